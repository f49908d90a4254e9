// The pages raksa-server serves, in a real browser (Debian's chromium through
// chromium-driver, headless): the national page signs in with the staff token, shows its
// Thai figures in the Sarabun the server ships — on a machine without any Thai font — and
// refuses without a credential. Screenshot: artifacts/national.png.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { chromium, screenshot, serverBinary, startServer } from "./driver.mjs";

const dir = mkdtempSync(path.join(os.tmpdir(), "raksa-national-"));
const db = `sqlite:${path.join(dir, "server.db")}`;
const admin = (...args) => execFileSync(serverBinary, ["--db", db, ...args]).toString().trim().split("\n").pop();
let server;
let chrome;
after(async () => {
  await chrome?.stop();
  server?.kill("SIGKILL");
});

test("the national page in chromium: Thai in the server's own font, and only with a staff credential", { timeout: 120_000 }, async () => {
  admin("office", "add", "--code", "พล", "--name", "พมจ.พิษณุโลก");
  const token = admin("staff", "add", "--name", "ศรส. ส่วนกลาง");
  const started = await startServer(db);
  server = started.proc;
  const base = started.url;
  chrome = await chromium();
  const browser = chrome.browser;

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
