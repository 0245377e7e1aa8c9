// Time zones for CashDesk's wall-clock expiry (convert.rs): the offset of
// an IANA zone from the engine's Intl data.

// The UTC offset (ms) of an IANA zone at an instant, or NaN for an unknown
// zone. Older ICU data knows Kyiv only by its former name.
const zones = new Map();
export function zoneOffset(zone, ms) {
  let format = zones.get(zone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat("en-US", {
        timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric",
        day: "numeric", hour: "numeric", minute: "numeric", second: "numeric",
      });
    } catch {
      return zone === "Europe/Kyiv" ? zoneOffset("Europe/Kiev", ms) : NaN;
    }
    zones.set(zone, format);
  }
  const p = {};
  for (const { type, value } of format.formatToParts(ms)) p[type] = value;
  const wall = Date.UTC(+p.year, p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
  return wall - Math.floor(ms / 1000) * 1000;
}
