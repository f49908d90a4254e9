// The pages raksa-server serves, in a real browser (Debian's chromium through
// chromium-driver, headless): the national page signs in with the staff token, shows its
// Thai figures in the Sarabun the server ships — on a machine without any Thai font — and
// refuses without a credential. Screenshot: artifacts/national.png.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { after, test } from "node:test";
import { remote } from "webdriverio";
import { appBinary, screenshot } from "./driver.mjs";

const serverBinary = process.env.RAKSA_SERVER ?? path.join(path.dirname(appBinary), "raksa-server");
const dir = mkdtempSync(path.join(os.tmpdir(), "raksa-national-"));
const db = `sqlite:${path.join(dir, "server.db")}`;
const admin = (...args) => execFileSync(serverBinary, ["--db", db, ...args]).toString().trim().split("\n").pop();
let server;
let driver;
let browser;
after(async () => {
  await browser?.deleteSession().catch(() => undefined);
  driver?.kill("SIGTERM");
  server?.kill("SIGKILL");
});

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port) {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((resolve) => {
      const c = net.connect(port, "127.0.0.1");
      c.once("connect", () => (c.end(), resolve(true)));
      c.once("error", () => (c.destroy(), resolve(false)));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} did not open`);
}

test("the national page in chromium: Thai in the server's own font, and only with a staff credential", { timeout: 120_000 }, async () => {
  admin("office", "add", "--code", "พล", "--name", "พมจ.พิษณุโลก");
  const token = admin("staff", "add", "--name", "ศรส. ส่วนกลาง");
  server = spawn(serverBinary, ["--db", db, "serve", "--listen", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "ignore"] });
  const line = await new Promise((resolve) => createInterface({ input: server.stdout }).once("line", resolve));
  const base = line.trim().split(" ").pop();

  const port = await freePort();
  driver = spawn(process.env.CHROMEDRIVER ?? "chromedriver", [`--port=${port}`], { stdio: "ignore" });
  await waitForPort(port);
  browser = await remote({
    hostname: "127.0.0.1",
    port,
    logLevel: "error",
    capabilities: {
      browserName: "chrome",
      "wdio:enforceWebDriverClassic": true,
      "goog:chromeOptions": {
        binary: process.env.CHROMIUM ?? "/usr/bin/chromium",
        args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1200,700"],
      },
    },
  });

  // Without a credential: refused, nothing of the figures shown.
  await browser.url(`${base}/national`);
  assert.doesNotMatch(await (await browser.$("body")).getText(), /พมจ\.พิษณุโลก/);

  const url = new URL(`${base}/national`);
  url.username = "husec";
  url.password = token;
  await browser.url(url.toString());
  await (await browser.$("h1")).waitForDisplayed({ timeout: 10_000 });
  assert.match(await (await browser.$("h1")).getText(), /ภาพรวมการช่วยเหลือรายกรณีระดับประเทศ/);
  assert.match(await (await browser.$("table")).getText(), /พมจ\.พิษณุโลก/);
  // The Thai text is drawn with the Sarabun the server ships (this machine has no Thai font).
  const loaded = await browser.execute(async () => {
    await document.fonts.ready;
    return [...document.fonts].filter((f) => f.family.replace(/"/g, "") === "RaksaSarabun" && f.status === "loaded").length;
  });
  assert.ok(loaded >= 1, `Sarabun faces loaded: ${loaded}`);
  assert.ok(await browser.execute(() => document.fonts.check('16px "RaksaSarabun"', "ภาพรวม")));
  await screenshot(browser, "national");
});
