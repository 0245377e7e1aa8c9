// The demo page's till (issue 18) as a cashier and a manager use it, in
// Chromium (playwright-core), Firefox ESR (puppeteer-core) and WebKitGTK
// (webdriverio; see drivers.mjs): sign in, lock, a wrong password and the
// right one at the lock screen, "Void receipt" refused to a cashier and
// approved by a manager, and a change of cashier from the lock screen.
// Chromium also runs the other two back ends, the offline unlock, the end
// after too many wrong passwords and the idle lock.
//
//   cd tests && node --test --test-concurrency=1 e2e/demo-till.test.mjs
//
// Needs `make pkg` and the emulator binary (see demo.test.mjs). Every step
// goes through the page's own controls (values set, forms submitted, buttons
// clicked from script), the same way in the three engines.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { chromium, firefox, webkit } from "./drivers.mjs";
import { newTenant, useEmulator } from "../support/emulator.mjs";
import { eventually } from "../support/wait.mjs";

const CASHIER = { "user-name": "999", password: "1234", device: "P01", name: "Majiteľ" };
const MANAGER = { userName: "300", password: "4321", name: "Vedúci zmeny" };
const NO_STORNO = { userName: "200", password: "1111", name: "Pokladník Marek" };

const emulator = useEmulator({ before, after });

// ------------------------------------------------------- run in the page
// (serialised by the drivers: they must not close over anything)

/** What the demo shows, in one read. */
function view() {
  const $ = (id) => document.getElementById(id);
  const box = (id) => ($(id).hidden ? null : { code: $(`${id}-code`).textContent, text: $(`${id}-message`).textContent });
  const shown = (id) => !$(id).disabled && !$(id).closest("[hidden]");
  return {
    screen: ["login-view", "session-view", "lock-view"].find((id) => !$(id).hidden) ?? "boot",
    profile: $("profile-name").textContent,
    lockName: $("lock-name").textContent,
    pill: $("state-pill").textContent,
    focus: document.activeElement?.id ?? null,
    notice: $("login-notice").hidden ? null : $("login-notice").textContent,
    unlockError: box("unlock-error"),
    changeError: box("change-error"),
    approvalError: box("approval-error"),
    dialogOpen: $("approval-dialog").open,
    approvalFields: ["approval-user-name", "approval-email", "approval-password", "approval-device"].filter(shown),
    changeFields: ["change-user-name", "change-email", "change-password", "change-device"].filter(shown),
    approvalDevice: $("approval-device").value,
    changeDevice: $("change-device").value,
    voidResult: $("void-result").textContent,
    idleLock: $("session-idle-lock").textContent,
    log: [...document.querySelectorAll("#event-log li[data-type]")].map((li) => `${li.dataset.type}: ${li.textContent}`),
  };
}

/** Sets inputs (id → value) as typing would, then submits `form` as Enter would. */
function fillAndSubmit({ form, fields }) {
  for (const [id, value] of Object.entries(fields)) {
    const input = document.getElementById(id);
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }
  document.getElementById(form).requestSubmit();
}

/** On the sign-in form: the back end, its server and the idle lock (each a change, as a person makes it). */
function connect({ backend, server, idleLock }) {
  const set = (id, value) => {
    const input = document.getElementById(id);
    input.value = value;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  };
  set("backend", backend);
  document.getElementById("advanced").open = true;
  set("server", server);
  set("idle-lock", idleLock);
}

const click = (id) => document.getElementById(id).click();

// ------------------------------------------------------------- helpers

/** Waits until the page's view passes `check`; resolves with that view. */
const until = (page, what, check, timeout = 15_000) =>
  eventually(what, async () => {
    const seen = await page.run(view);
    return check(seen) && seen;
  }, { timeout });

/** Opens the demo on `tenant`'s `backend` (idle lock as given, off by default) and signs in with `fields`. */
async function signedIn(browser, tenant, { backend = "portos", fields = CASHIER, idleLock = "0" } = {}) {
  const page = await browser.open(`${emulator.url}/`);
  await until(page, "the sign-in form", (v) => v.screen === "login-view");
  await page.run(connect, { backend, server: `${tenant.root}/${backend}`, idleLock });
  const { name, ...inputs } = fields;
  await page.run(fillAndSubmit, { form: "login-form", fields: inputs });
  await until(page, `${name} signed in`, (v) => v.screen === "session-view" && v.profile === name);
  return page;
}

async function lock(page, name) {
  await page.run(click, "lock");
  const locked = await until(page, "the lock screen", (v) => v.screen === "lock-view");
  assert.equal(locked.lockName, name);
  assert.equal(locked.pill, "Locked");
  assert.equal(locked.focus, "unlock-password", "locking moves the focus to the password field");
  assert.match(locked.log[0], /^locked: /);
  return locked;
}

const unlockWith = (page, password) =>
  page.run(fillAndSubmit, { form: "unlock-form", fields: { "unlock-password": password } });

const approveWith = (page, fields) => page.run(fillAndSubmit, { form: "approval-form", fields });

/** Reloads the page and waits for the new document (the old one is marked first). */
async function reload(page) {
  await page.run(() => {
    window.stale = true;
    setTimeout(() => location.reload(), 50);
  });
  await eventually("the reload", () => page.run(() => !window.stale && document.readyState === "complete"));
}

/** Who the best-effort logouts (DELETE /portos/api/auth) were for, once `count` have arrived. */
const loggedOut = (tenant, count) =>
  eventually(`${count} logout(s) at the emulator`, async () => {
    const users = (await tenant.requests("DELETE", "/portos/api/auth")).map((r) => r.tokenUser);
    return users.length >= count && users.sort();
  }, { timeout: 5000 });

// --------------------------------------------------------------- suites

const ENGINES = [["Chromium", chromium], ["Firefox", firefox], ["WebKit", webkit]];

for (const [engine, launch] of ENGINES) {
  describe(`${engine}: the demo's till`, { timeout: 180_000 }, () => {
    let browser;
    before(async () => {
      browser = await launch();
    });
    after(() => browser?.close());

    test("lock, a wrong and the right password, void refused to a cashier and approved by a manager", async () => {
      const tenant = await newTenant(emulator.url, "till-demo", { tokenLifetime: 600 });
      const page = await signedIn(browser, tenant);
      assert.equal((await page.run(view)).idleLock, "off");
      await lock(page, CASHIER.name);

      // Locked is the session's state: a reload comes back to the lock screen.
      await reload(page);
      await until(page, "the lock screen after the reload", (v) => v.screen === "lock-view" && v.lockName === CASHIER.name);

      await unlockWith(page, "0000");
      const wrong = await until(page, "the wrong-password error", (v) => v.unlockError);
      assert.equal(wrong.unlockError.code, "invalid_credentials");
      assert.match(wrong.unlockError.text, /wrong password/i);
      assert.equal(wrong.screen, "lock-view", "still locked");

      await unlockWith(page, CASHIER.password);
      const open = await until(page, "the till unlocked", (v) => v.screen === "session-view");
      assert.equal(open.profile, CASHIER.name);
      assert.match(open.log[0], /^unlocked: /);
      // Online, the unlock replaced the tokens and ended the old ones.
      assert.deepEqual(await loggedOut(tenant, 1), [CASHIER["user-name"]]);

      await tenant.clearLog();
      await page.run(click, "void-receipt");
      const dialog = await until(page, "the approval dialog", (v) => v.dialogOpen);
      assert.deepEqual(dialog.approvalFields, ["approval-user-name", "approval-password", "approval-device"]);
      assert.equal(dialog.approvalDevice, CASHIER.device, "the till's device is filled in");

      await approveWith(page, { "approval-user-name": NO_STORNO.userName, "approval-password": NO_STORNO.password });
      const refused = await until(page, "the approval refused", (v) => v.approvalError);
      assert.equal(refused.approvalError.code, "forbidden");
      assert.match(refused.approvalError.text, /may not void receipts/);
      assert.equal(refused.dialogOpen, true, "the dialog stays for another approver");
      assert.equal(refused.voidResult, "");

      await approveWith(page, { "approval-user-name": MANAGER.userName, "approval-password": MANAGER.password });
      const voided = await until(page, "the void approved", (v) => !v.dialogOpen && v.voidResult);
      assert.match(voided.voidResult, new RegExp(`^Voided, approved by ${MANAGER.name}`));
      assert.equal(voided.profile, CASHIER.name, "the till stays with the cashier");
      assert.equal(voided.screen, "session-view");
      assert.match(voided.log[0], /^approved: /);
      // Both approvers' tokens were ended at once; the cashier's was not touched.
      assert.deepEqual(await loggedOut(tenant, 2), [NO_STORNO.userName, MANAGER.userName].sort());
    });

    test("change of cashier from the lock screen", async () => {
      const tenant = await newTenant(emulator.url, "till-change", { tokenLifetime: 600 });
      const page = await signedIn(browser, tenant);
      await lock(page, CASHIER.name);
      await page.run(() => void (document.getElementById("change-cashier").open = true));
      const form = await until(page, "the change-of-cashier form", (v) => v.changeFields.length > 0);
      assert.deepEqual(form.changeFields, ["change-user-name", "change-password", "change-device"]);
      assert.equal(form.changeDevice, CASHIER.device);

      const change = (password) => page.run(fillAndSubmit, {
        form: "change-form", fields: { "change-user-name": NO_STORNO.userName, "change-password": password },
      });
      await change("nope");
      const wrong = await until(page, "the change refused", (v) => v.changeError);
      assert.equal(wrong.changeError.code, "invalid_credentials");
      assert.equal(wrong.screen, "lock-view", "the locked session stays");
      assert.equal(wrong.lockName, CASHIER.name);

      await change(NO_STORNO.password);
      const other = await until(page, `${NO_STORNO.name} signed in`, (v) => v.screen === "session-view" && v.profile === NO_STORNO.name);
      assert.match(other.log[0], /^signedIn: /);
      assert.equal(other.pill, "Signed in");
    });
  });
}

describe("Chromium: the till on the other back ends, offline, and its limits", { timeout: 180_000 }, () => {
  let browser;
  before(async () => {
    browser = await chromium();
  });
  after(() => browser?.close());

  for (const { backend, fields, approver, approverName, fieldsShown } of [
    {
      backend: "cashdesk",
      fields: { email: "cashier@example.com", password: "secret", name: "Коваленко Олена Петрівна" },
      approver: { "approval-email": "manager@example.com", "approval-password": "manager-secret" },
      approverName: "Шевченко Андрій Іванович",
      fieldsShown: ["approval-email", "approval-password"],
    },
    {
      backend: "metadefender",
      fields: { "user-name": "admin", password: "AdminPassword", name: "Administrator" },
      approver: { "approval-user-name": "manager", "approval-password": "ManagerPassword" },
      approverName: "Shift Manager",
      fieldsShown: ["approval-user-name", "approval-password"],
    },
  ]) {
    test(`${backend}: lock, unlock, void approved (no rights to check)`, async () => {
      const tenant = await newTenant(emulator.url, `till-${backend}`, { tokenLifetime: 600 });
      const page = await signedIn(browser, tenant, { backend, fields });
      await lock(page, fields.name);
      await unlockWith(page, "wrong");
      assert.equal((await until(page, "the error", (v) => v.unlockError)).unlockError.code, "invalid_credentials");
      await unlockWith(page, fields.password);
      await until(page, "the till unlocked", (v) => v.screen === "session-view");

      await page.run(click, "void-receipt");
      assert.deepEqual((await until(page, "the dialog", (v) => v.dialogOpen)).approvalFields, fieldsShown);
      await approveWith(page, { ...approver, "approval-password": "wrong" });
      const wrong = await until(page, "the approval refused", (v) => v.approvalError);
      assert.equal(wrong.approvalError.code, "invalid_credentials");
      await approveWith(page, approver);
      const voided = await until(page, "the void approved", (v) => v.voidResult);
      assert.match(voided.voidResult, new RegExp(`^Voided, approved by ${approverName}`));
      assert.equal(voided.profile, fields.name);
    });
  }

  test("offline: this page's sign-in unlocks without the server; after a reload it cannot", async () => {
    const tenant = await newTenant(emulator.url, "till-offline", { tokenLifetime: 600 });
    const page = await signedIn(browser, tenant);
    await lock(page, CASHIER.name);
    await tenant.fault({ method: "POST", path: "/portos/api/auth", action: "drop", times: 0 });

    await unlockWith(page, "0000");
    const wrong = await until(page, "the offline wrong password", (v) => v.unlockError);
    assert.equal(wrong.unlockError.code, "invalid_credentials", "checked against the verifier");
    await unlockWith(page, CASHIER.password);
    await until(page, "the till unlocked offline", (v) => v.screen === "session-view");

    await lock(page, CASHIER.name);
    await reload(page);
    await until(page, "the lock screen after the reload", (v) => v.screen === "lock-view");
    await unlockWith(page, CASHIER.password);
    const offline = await until(page, "the network error", (v) => v.unlockError);
    assert.equal(offline.unlockError.code, "network");
    assert.match(offline.unlockError.text, /cannot be reached.*try your password again when online/);

    await tenant.control("DELETE", "fault");
    await unlockWith(page, CASHIER.password);
    await until(page, "the till unlocked online", (v) => v.screen === "session-view");
  });

  test("five wrong passwords in a row sign the cashier out", async () => {
    const tenant = await newTenant(emulator.url, "till-attempts", { tokenLifetime: 600 });
    const page = await signedIn(browser, tenant);
    await lock(page, CASHIER.name);
    for (let attempt = 1; attempt <= 4; attempt++) {
      await page.run(() => void (document.getElementById("unlock-error").hidden = true));
      await unlockWith(page, `wrong-${attempt}`);
      await until(page, `wrong password ${attempt}`, (v) => v.unlockError?.code === "invalid_credentials");
    }
    await unlockWith(page, "wrong-5");
    const out = await until(page, "the sign-in form", (v) => v.screen === "login-view");
    assert.match(out.notice, /5 wrong passwords in a row/);
    assert.match(out.log[0], /^signedOut: .*too_many_attempts/);
  });

  test("the idle lock locks the till after 30 s without input", async () => {
    const tenant = await newTenant(emulator.url, "till-idle", { tokenLifetime: 600 });
    const page = await signedIn(browser, tenant, { idleLock: "30" });
    const signedInAt = Date.now();
    assert.equal((await page.run(view)).idleLock, "after 30 s");
    const locked = await until(page, "the idle lock", (v) => v.screen === "lock-view", 45_000);
    const after = Date.now() - signedInAt;
    assert.ok(after >= 28_000, `locked after ${after} ms, not before 30 s`);
    assert.equal(locked.focus, "unlock-password");
    assert.match(locked.log[0], /^locked: /);
  });
});
