// Issue 5 in the real app: the office administrator enrols the PC with a one-time code from
// the central server, a new case shows "not yet on the server", "sync now" sends it, the
// marker goes away and the status bar says everything was sent. The server is the real
// raksa-server binary on loopback.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { after, test } from "node:test";
import { ADMIN, appBinary, click, fill, launch, screenshot, select, setUpOffice, signIn, textOf } from "./driver.mjs";

const serverBinary = process.env.RAKSA_SERVER ?? path.join(path.dirname(appBinary), "raksa-server");
let app;
let server;
let serverDb;
let serverDir;
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
  serverDb = db;
  serverDir = dir;
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

// Issue 13 §3: the office's server offers a signed release; an administrator reads the Thai
// notes, the package is downloaded and its signature checked before "install" is offered;
// a package changed after signing (a compromised server or a man in the middle) is refused
// with a clear message. Debug builds trust the test key in tests/fixtures/test-release-key.
test("a signed update is offered, verified, and refused when tampered with", { timeout: 180_000 }, async () => {
  const b = app.browser;
  const key = path.join(import.meta.dirname, "..", "fixtures", "test-release-key");
  const publish = (version, notes) => {
    const pkg = path.join(serverDir, `raksa_${version}_amd64.deb`);
    writeFileSync(pkg, Buffer.concat([Buffer.from("!<arch>\ndebian-binary   "), Buffer.alloc(50_000, version)]));
    const notesFile = path.join(serverDir, `notes-${version}.txt`);
    writeFileSync(notesFile, notes);
    execFileSync(serverBinary, ["release", "sign", "--key", path.join(key, "raksa-release.key"), "--version", version, pkg]);
    execFileSync(serverBinary, ["--db", serverDb, "release", "publish", "--target", "linux-x86_64", "--version", version,
      "--notes-th", notesFile, "--package", pkg, "--pubkey", path.join(key, "raksa-release.pub")]);
  };

  // 0.2.0 is published, then its bytes are changed on the server
  publish("0.2.0", "แก้ไขเลขหน้าในหนังสือส่งต่อ");
  execFileSync("python3", ["-c",
    "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"UPDATE releases SET data = CAST(data || x'00' AS BLOB) WHERE version = '0.2.0'\"); c.commit()",
    serverDb.slice("sqlite:".length)]);
  await click(b, "#nav-cases");
  await click(b, "#nav-settings");
  await b.waitUntil(async () => /มีรุ่นใหม่ 0\.2\.0/.test(await textOf(b, "#update-card")), { timeout: 20_000 });
  assert.match(await textOf(b, "#update-notes"), /แก้ไขเลขหน้าในหนังสือส่งต่อ/);
  await click(b, "#update-download");
  await b.waitUntil(async () => /ลายเซ็นไม่ถูกต้อง/.test(await textOf(b, "#update-card")), { timeout: 20_000 });
  assert.equal(await (await b.$("#update-install")).isExisting(), false, "nothing to install");

  // 0.3.0, as signed: verified, then the administrator is asked to confirm
  publish("0.3.0", "รุ่น 0.3.0\n- แสดงรายการที่ต้องเร่งรัดจาก ศรส.\n- แก้ไขการตัดคำในหนังสือ");
  await click(b, "#update-check");
  await b.waitUntil(async () => /มีรุ่นใหม่ 0\.3\.0/.test(await textOf(b, "#update-card")), { timeout: 20_000 });
  await click(b, "#update-download");
  await b.waitUntil(async () => /ตรวจลายเซ็นแล้ว ถูกต้อง/.test(await textOf(b, "#update-card")), { timeout: 20_000 });
  await click(b, "#update-install");
  assert.match(await textOf(b, "#update-confirm-text"), /ยืนยันการติดตั้ง/);
  // the notes, the verified signature and the question, together on screen
  await b.execute(() => document.querySelector(".confirm-box")?.scrollIntoView(false));
  await screenshot(b, "update-prompt");

  // the administrator's next sign-in shows the waiting release in the status bar
  await click(b, "#lock-button");
  await signIn(b, ADMIN.user, ADMIN.password);
  await b.waitUntil(async () => /มีรุ่นใหม่ 0\.3\.0/.test(await textOf(b, "#update-available")), { timeout: 20_000 });
});
