// The signed-in user: name, avatar, rights, account, CashDesk shift and the
// PORTOS device. Each back end fills only the blocks it has data for.

import { el, ui } from "./dom.js";
import { rawText } from "./format.js";

export function renderProfile(session) {
  const { user, backend } = session;
  const name = user.name ?? user.userName ?? "—";
  ui.profileName.textContent = name;
  const longestWord = Math.max(...name.split(/\s+/).map((word) => [...word].length));
  ui.profileName.classList.toggle("long", [...name].length > 16 || longestWord > 11);
  ui.avatar.textContent = [...name.trim()][0]?.toUpperCase() ?? "?";
  // CashDesk's user name is the cashier's e-mail.
  ui.profileUserLabel.textContent = backend === "cashdesk" ? "E-mail" : "User";
  ui.profileUserLabel.classList.toggle("visually-hidden", backend === "cashdesk"); // an address speaks for itself
  ui.profileUserName.textContent = (backend === "cashdesk" ? user.email ?? user.userName : user.userName) ?? "—";

  // Rights: PORTOS only (the others have none).
  ui.rightsBlock.hidden = backend !== "portos";
  const chips = user.rights.map((right) => el("li", right));
  ui.profileRights.replaceChildren(...(chips.length ? chips : [el("li", "none", "none")]));

  // Account: MetaDefender's e-mail and numeric role.
  ui.accountBlock.hidden = backend !== "metadefender";
  ui.profileEmail.textContent = user.email ?? "—";
  ui.profileRole.textContent = user.role === null ? "none" : `Role ${user.role}`;
  ui.profileRole.classList.toggle("none", user.role === null);

  // Shift: CashDesk's open shift and cash register, from the login body.
  ui.shiftBlock.hidden = backend !== "cashdesk";
  if (backend === "cashdesk") renderShift(user.raw);

  const device = user.device;
  ui.deviceBlock.hidden = !device;
  if (!device) return;
  ui.deviceName.textContent = device.name;
  ui.deviceEnv.textContent = device.envName ?? "—";
  ui.deviceDescription.textContent = device.description ?? "—";
  const rows = Object.entries(device.settings).flatMap(([key, value]) => {
    const dd = el("dd", value === "" ? "—" : value);
    if (value === "") {
      dd.classList.add("empty");
      dd.title = "empty";
    }
    return [el("dt", key), dd];
  });
  ui.deviceSettings.replaceChildren(...(rows.length ? rows : [el("dt", "none"), el("dd", "")]));
}

function renderShift(raw) {
  const shift = rawText(raw.opened_shift);
  ui.shiftNumber.textContent = shift ? `№ ${shift}` : "no open shift";
  ui.shiftNumber.classList.toggle("empty", !shift);

  // `active_rro` is documented as a boolean ("the user has active cash registers").
  const rro = raw.active_rro;
  const rroText = rro === true ? "active" : rro === false || rro === null || rro === undefined ? "none active" : rawText(rro) || "—";
  ui.shiftRro.textContent = rroText;
  ui.shiftRro.classList.toggle("empty", rro !== true && !rawText(rro));

  const developerId = rawText(raw.developer_id);
  ui.developerRow.hidden = !developerId;
  ui.shiftDeveloperId.textContent = developerId;
}
