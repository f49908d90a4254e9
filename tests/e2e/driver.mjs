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
export async function launch({ dataDir } = {}) {
  const dir = dataDir ?? mkdtempSync(path.join(tmpdir(), "raksa-e2e-"));
  const port = nextPort;
  nextPort += 2;
  const driver = spawn(
    process.env.TAURI_DRIVER ?? "tauri-driver",
    ["--port", String(port), "--native-port", String(port + 1)],
    { env: { ...process.env, RAKSA_DATA_DIR: dir }, stdio: ["ignore", "inherit", "inherit"] },
  );
  await waitForPort(port, 20_000);
  const browser = await remote({
    hostname: "127.0.0.1",
    port,
    logLevel: "error",
    connectionRetryCount: 0,
    capabilities: {
      "tauri:options": { application: appBinary },
      // WebKitWebDriver speaks classic WebDriver only (no BiDi).
      "wdio:enforceWebDriverClassic": true,
    },
  });
  const stop = async () => {
    try {
      await browser.deleteSession();
    } catch {
      /* the app may already be gone */
    }
    driver.kill();
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
