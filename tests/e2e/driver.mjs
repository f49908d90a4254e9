// Starts tauri-driver, opens the real Raksa binary in a throwaway data folder and hands
// back a WebdriverIO browser. Used by every E2E test and by the screenshot script.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { remote } from "webdriverio";

const here = path.dirname(new URL(import.meta.url).pathname);
export const repo = path.resolve(here, "../..");
export const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(repo, "target");
export const appBinary = process.env.RAKSA_APP ?? path.join(targetDir, "debug", "raksa");
export const shotDir = process.env.RAKSA_SCREENSHOT_DIR ?? path.join(here, "artifacts");

function waitForPort(port, ms) {
  const until = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = net.connect(port, "127.0.0.1");
      s.once("connect", () => {
        s.end();
        resolve();
      });
      s.once("error", () => {
        s.destroy();
        if (Date.now() > until) reject(new Error(`port ${port} did not open`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

let nextPort = 4444;

/** Launches the app with its own data folder; returns { browser, dataDir, stop }. */
export async function launch({ dataDir, env = {} } = {}) {
  const dir = dataDir ?? mkdtempSync(path.join(tmpdir(), "raksa-e2e-"));
  const port = nextPort;
  nextPort += 2;
  const driver = spawn(
    process.env.TAURI_DRIVER ?? "tauri-driver",
    ["--port", String(port), "--native-port", String(port + 1)],
    // Own process group, so stopping also ends the WebKitWebDriver it starts.
    { env: { ...process.env, ...env, RAKSA_DATA_DIR: dir }, stdio: ["ignore", "inherit", "inherit"], detached: true },
  );
  await waitForPort(port, 20_000);
  const options = {
    hostname: "127.0.0.1",
    port,
    logLevel: "error",
    connectionRetryCount: 0,
    connectionRetryTimeout: 60_000,
    capabilities: {
      "tauri:options": { application: appBinary },
      // WebKitWebDriver speaks classic WebDriver only (no BiDi).
      "wdio:enforceWebDriverClassic": true,
    },
  };
  let browser;
  for (let attempt = 1; ; attempt++) {
    try {
      browser = await remote(options);
      break;
    } catch (e) {
      // WebKitWebDriver may still be starting behind tauri-driver.
      if (attempt >= 5) throw e;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  const stop = async () => {
    try {
      await browser.deleteSession();
    } catch {
      /* the app may already be gone */
    }
    try {
      process.kill(-driver.pid, "SIGTERM");
    } catch {
      driver.kill();
    }
    await new Promise((r) => setTimeout(r, 500));
  };
  return { browser, dataDir: dir, stop };
}

export async function screenshot(browser, name) {
  mkdirSync(shotDir, { recursive: true });
  await browser.saveScreenshot(path.join(shotDir, `${name}.png`));
}

/** Types into the input named `name` (replacing its content). */
export async function fill(browser, name, value) {
  const el = await browser.$(`[name="${name}"]`);
  await el.waitForDisplayed({ timeout: 10_000 });
  await el.clearValue();
  await el.setValue(value);
}

export async function textOf(browser, selector) {
  const el = await browser.$(selector);
  await el.waitForDisplayed({ timeout: 10_000 });
  return el.getText();
}

/** Today's Buddhist-Era year in Bangkok, as case numbers use it. */
export function beYearToday() {
  const t = new Date(Date.now() + 7 * 3600 * 1000);
  return t.getUTCFullYear() + 543;
}

export const ADMIN = { user: "somchai", password: "รหัสผ่านยาวพอ-2569", name: "นายสมชาย ใจดี" };

export const PHITSANULOK = {
  name: "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดพิษณุโลก",
  address: "ศาลากลางจังหวัดพิษณุโลก ถนนวังจันทน์ อำเภอเมืองพิษณุโลก 65000",
  code: "พล",
  phone: "055-252-222",
};

/** Completes first-run set-up as the administrator and lands on the home screen. */
export async function setUpOffice(b, { shots = false, office = PHITSANULOK } = {}) {
  await (await b.$("#setup-title")).waitForDisplayed({ timeout: 30_000 });
  await fill(b, "office_name", office.name);
  await fill(b, "office_address", office.address);
  await fill(b, "letter_code", office.code);
  await fill(b, "office_number", office.number ?? "0027");
  await fill(b, "office_phone", office.phone);
  await fill(b, "admin_name", ADMIN.name);
  await fill(b, "admin_position", "นักสังคมสงเคราะห์ชำนาญการ");
  await fill(b, "admin_username", ADMIN.user);
  await fill(b, "admin_password", ADMIN.password);
  await fill(b, "admin_password_repeat", ADMIN.password);
  if (shots) await screenshot(b, "setup");
  await b.keys("Enter");
  const key = await textOf(b, "[data-testid=recovery-key]");
  if (shots) await screenshot(b, "recovery-key");
  await (await b.$("input[type=checkbox]")).click();
  await (await b.$("button.primary")).click();
  await (await b.$("[data-testid=user-name]")).waitForDisplayed({ timeout: 10_000 });
  return key;
}

export async function signIn(b, user, password) {
  await (await b.$("#unlock-form")).waitForDisplayed({ timeout: 30_000 });
  await fill(b, "username", user);
  await fill(b, "password", password);
  await b.keys("Enter");
  await (await b.$("[data-testid=user-name]")).waitForDisplayed({ timeout: 15_000 });
}

export async function click(b, selector) {
  const el = await b.$(selector);
  await el.waitForClickable({ timeout: 10_000 });
  await el.click();
}

/** Picks an option by value, waiting for it to exist (lists that load on demand). */
export async function select(b, name, value) {
  const el = await b.$(`[name="${name}"]`);
  await el.waitForDisplayed({ timeout: 10_000 });
  await b.waitUntil(async () => (await b.$(`[name="${name}"] option[value="${value}"]`)).isExisting(), { timeout: 10_000 });
  await el.selectByAttribute("value", value);
}

/** Today in Bangkok as the app's date fields take it: d/m/BE-year. */
export function beDateToday(offsetDays = 0) {
  const t = new Date(Date.now() + 7 * 3600 * 1000 + offsetDays * 86_400_000);
  return `${t.getUTCDate()}/${t.getUTCMonth() + 1}/${t.getUTCFullYear() + 543}`;
}

/** A free TCP port on loopback. */
export function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** The real raksa-server binary. */
export const serverBinary = process.env.RAKSA_SERVER ?? path.join(path.dirname(appBinary), "raksa-server");

/** Serves `db` on a free loopback port; returns { url, proc }. */
export async function startServer(db) {
  const { createInterface } = await import("node:readline");
  const proc = spawn(serverBinary, ["--db", db, "serve", "--listen", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "ignore"] });
  const line = await new Promise((resolve) => createInterface({ input: proc.stdout }).once("line", resolve));
  return { url: line.trim().split(" ").pop(), proc };
}

/** Enrols the signed-in office PC from Settings with a one-time code. */
export async function enrolInSettings(b, url, code, name = "พมจ.พิษณุโลก เครื่อง 1") {
  await click(b, "#sync-indicator");
  await fill(b, "sync_server", url);
  await fill(b, "sync_code", code);
  await fill(b, "sync_name", name);
  await click(b, "#enrol-submit");
  await b.waitUntil(async () => /ลงทะเบียนเครื่องแล้ว/.test(await textOf(b, "#sync-card")), { timeout: 15_000 });
}

/**
 * Debian's chromium through chromium-driver, headless, for the pages raksa-server serves;
 * `phone` emulates a phone-sized touch screen. Returns { browser, stop }.
 */
export async function chromium({ width = 1200, height = 700, phone = false } = {}) {
  const port = await freePort();
  const driver = spawn(process.env.CHROMEDRIVER ?? "chromedriver", [`--port=${port}`], { stdio: "ignore" });
  await waitForPort(port, 10_000);
  const options = {
    binary: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless=new", "--no-sandbox", "--disable-gpu", `--window-size=${width},${height}`],
  };
  if (phone) options.mobileEmulation = { deviceMetrics: { width, height, pixelRatio: 2 } };
  const browser = await remote({
    hostname: "127.0.0.1",
    port,
    logLevel: "error",
    capabilities: { browserName: "chrome", "wdio:enforceWebDriverClassic": true, "goog:chromeOptions": options },
  });
  return {
    browser,
    stop: async () => {
      await browser.deleteSession().catch(() => undefined);
      driver.kill("SIGTERM");
    },
  };
}
