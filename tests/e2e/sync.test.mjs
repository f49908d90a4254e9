// Issue 5 in the real app: the office administrator enrols the PC with a one-time code from
// the central server, a new case shows "not yet on the server", "sync now" sends it, the
// marker goes away and the status bar says everything was sent. The server is the real
// raksa-server binary on loopback.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { after, test } from "node:test";
import { appBinary, click, fill, launch, screenshot, select, setUpOffice, textOf } from "./driver.mjs";

const serverBinary = process.env.RAKSA_SERVER ?? path.join(path.dirname(appBinary), "raksa-server");
let app;
let server;
after(async () => {
  await app?.stop();
  server?.kill("SIGKILL");
});

async function startServer(db) {
  server = spawn(serverBinary, ["--db", db, "serve", "--listen", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "ignore"] });
  const line = await new Promise((resolve) => createInterface({ input: server.stdout }).once("line", resolve));
  return line.trim().split(" ").pop();
}

test("the PC enrols, a new case is marked until it is sent, and sync now sends it", { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "raksa-server-"));
  const db = `sqlite:${path.join(dir, "server.db")}`;
  execFileSync(serverBinary, ["--db", db, "office", "add", "--code", "พล", "--name", "พมจ.พิษณุโลก"]);
  const code = execFileSync(serverBinary, ["--db", db, "device", "enroll", "--office", "พล"]).toString().trim().split("\n").pop();
  const url = await startServer(db);

  app = await launch();
  const b = app.browser;
  await setUpOffice(b);
  assert.match(await textOf(b, "#sync-indicator"), /ยังไม่ได้เชื่อมต่อ/);

  // enrol from Settings
  await click(b, "#sync-indicator");
  await fill(b, "sync_server", url);
  await fill(b, "sync_code", code);
  await fill(b, "sync_name", "พมจ.พิษณุโลก เครื่อง 1");
  await click(b, "#enrol-submit");
  await b.waitUntil(async () => /ลงทะเบียนเครื่องแล้ว/.test(await textOf(b, "#sync-card")), { timeout: 15_000 });

  // a new case is "not yet on the server"
  await click(b, "#nav-register");
  await fill(b, "title", "นาง");
  await fill(b, "first_name", "บุญมี");
  await fill(b, "last_name", "ทองใบ");
  await fill(b, "citizen_id", "3100600182731");
  await click(b, "#register-submit");
  await click(b, "#open-case-button");
  await select(b, "channel", "hotline1300");
  await fill(b, "summary", "ผู้สูงอายุถูกทอดทิ้ง");
  await click(b, "#open-case-submit");
  await (await b.$("#case-unsynced")).waitForDisplayed({ timeout: 10_000 });

  // sync now
  await click(b, "#nav-settings");
  await click(b, "#sync-now");
  await b.waitUntil(async () => /ส่ง \d+ รายการ/.test(await textOf(b, "#sync-card")), { timeout: 20_000 });
  await b.waitUntil(async () => /ส่งครบแล้ว/.test(await textOf(b, "#sync-indicator")), { timeout: 20_000 });
  await (await b.$("#sync-card")).scrollIntoView();
  await screenshot(b, "sync");

  // the case page no longer shows the marker
  await click(b, "#nav-cases");
  await click(b, "#case-table tbody tr td");
  await (await b.$("#case-title")).waitForDisplayed({ timeout: 10_000 });
  assert.equal(await (await b.$("#case-unsynced")).isExisting(), false);
});
