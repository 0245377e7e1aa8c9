// What the app's components report to the test (vue.test.mjs reads it as window.probe).
export const stats = {};
export const mounted = { till: 0, login: 0 };
export const errors = [];

// A token's last characters (its signature's) tell it from the others.
export const describeSession = (s) => (s ? `${s.user.name} …${s.accessToken.slice(-10)}` : "null");
export const describeEvent = (e) => (e ? e.type + (e.error ? `:${e.error.code}` : "") : "null");

/**
 * A probe's counts: `render(text)` is called by its template, once per
 * render; `commit(el)` after each mount and update lists what the DOM shows.
 */
export function counter(name) {
  const s = (stats[name] ??= { renders: 0, commits: 0, shown: [] });
  return {
    render(text) {
      s.renders++;
      return text;
    },
    commit(el) {
      s.commits++;
      s.shown.push(el.textContent);
    },
  };
}
