// Browser drivers shared by the e2e tests that run in several engines: one
// small interface over playwright-core (Chromium), puppeteer-core (Firefox
// ESR, over WebDriver BiDi) and webdriverio (WebKitGTK, Safari's engine,
// through WebKitWebDriver under Xvfb: it has no headless mode).
//
//   const browser = await firefox();           // or chromium(), webkit()
//   const page = await browser.open(url);
//   await page.run((arg) => ..., arg);          // may return a promise
//   const twin = await page.duplicate();        // Firefox and WebKit
//   await browser.close();
//
// `run` serialises the function: it must not close over anything.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import puppeteer from "puppeteer-core";
import { remote } from "webdriverio";
import { launchBrowser } from "./harness.mjs";
import { eventually } from "../support/wait.mjs";

const FIREFOX = process.env.FIREFOX ?? "/usr/bin/firefox-esr";
const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER ?? "/usr/bin/WebKitWebDriver";
const MINIBROWSER = process.env.MINIBROWSER ?? "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function firefox() {
  const browser = await puppeteer.launch({ browser: "firefox", executablePath: FIREFOX, headless: true });
  const wrap = (page) => ({
    run: (fn, arg) => page.evaluate(fn, arg),
    async duplicate() {
      const created = new Promise((resolve) => browser.once("targetcreated", resolve));
      await page.evaluate(() => void window.open(location.href, "_blank", "popup"));
      const twin = await (await created).page();
      await twin.waitForFunction(() => document.readyState === "complete");
      return wrap(twin);
    },
  });
  return {
    async open(url) {
      const page = await browser.newPage();
      await page.goto(url);
      return wrap(page);
    },
    close: () => browser.close(),
  };
}

export async function webkit() {
  const port = await freePort();
  const driver = spawn("xvfb-run", ["-a", WEBKIT_DRIVER, `--port=${port}`], { detached: true, stdio: "ignore" });
  const session = await eventually("WebKitWebDriver", () =>
    remote({
      logLevel: "silent",
      hostname: "127.0.0.1",
      port,
      connectionRetryCount: 0,
      capabilities: {
        browserName: "MiniBrowser",
        "wdio:enforceWebDriverClassic": true,
        "webkitgtk:browserOptions": { binary: MINIBROWSER, args: ["--automation"] },
      },
    }), { timeout: 20_000 });
  await session.setTimeout({ script: 20_000 });
  // One session drives every window: switch to a page's window before each call.
  const wrap = (handle) => ({
    async run(fn, arg) {
      await session.switchToWindow(handle);
      const script = new Function("arg", "done",
        `Promise.resolve().then(() => (${fn})(arg)).then(done, (e) => done({ __error: (e && e.name) + " " + (e && e.code) + ": " + (e && e.message) + "\\n" + (e && e.stack) }));`);
      const result = await session.executeAsync(script, arg);
      if (result && result.__error) throw new Error(result.__error);
      return result;
    },
    async duplicate() {
      await session.switchToWindow(handle);
      const before = await session.getWindowHandles();
      // WebKit blocks window.open without a user's gesture: a real click.
      await session.execute(() => {
        const button = document.createElement("button");
        button.id = "duplicate-tab";
        button.textContent = "Duplicate";
        button.onclick = () => void window.open(location.href, "_blank", "popup");
        document.body.prepend(button);
      });
      await session.$("#duplicate-tab").click();
      const twin = await eventually("the duplicate window", async () =>
        (await session.getWindowHandles()).find((h) => !before.includes(h)));
      await session.switchToWindow(twin);
      await eventually("the duplicate to load", () => session.execute(() => document.readyState === "complete"));
      return wrap(twin);
    },
  });
  // Every page opens in the session's first window, its storage cleared: in
  // a second window made by WebDriver's New Window command, the demo never
  // showed its login form here (not looked into further).
  const main = await session.getWindowHandle();
  return {
    async open(url) {
      await session.switchToWindow(main);
      await session.execute(() => {
        try {
          sessionStorage.clear();
        } catch {}
      });
      await session.url(url);
      return wrap(main);
    },
    async close() {
      await session.deleteSession().catch(() => {});
      try {
        process.kill(-driver.pid);
      } catch {}
    },
  };
}

/** Debian's Chromium through playwright-core, as harness.mjs launches it. */
export async function chromium() {
  const browser = await launchBrowser();
  return {
    async open(url) {
      const page = await browser.newPage();
      await page.goto(url);
      return { run: (fn, arg) => page.evaluate(fn, arg) };
    },
    close: () => browser.close(),
  };
}
