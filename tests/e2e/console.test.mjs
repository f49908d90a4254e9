// The 1300 console in a real browser (Debian's chromium through chromium-driver,
// headless): a hotline officer signs in (a wrong password is refused in Thai), takes a call
// about a person in Chiang Mai — the place picked from the DOPA list with the keyboard, a
// core issue ticked with Alt+digit, Ctrl+Enter — and the request is routed to the Chiang Mai
// office and listed with its status; a second call with the same phone shows the hint; the
// session cookie is httpOnly, Secure, SameSite=Strict and a post without the form's CSRF
// token is refused. Screenshot: console.png.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { chromium, screenshot, serverBinary, startServer } from "./driver.mjs";

const dir = mkdtempSync(path.join(os.tmpdir(), "raksa-console-"));
const db = `sqlite:${path.join(dir, "server.db")}`;
const PASSWORD = "รับสายด่วน-1300-ปลอดภัย";
const admin = (args, env = {}) =>
  execFileSync(serverBinary, ["--db", db, ...args], { env: { ...process.env, ...env } }).toString().trim().split("\n").pop();
let server;
let chrome;
let browser;
after(async () => {
  await chrome?.stop();
  server?.kill("SIGKILL");
});

async function type(name, value) {
  const el = await browser.$(`[name="${name}"]`);
  await el.setValue(value);
}

test("a 1300 officer files a call for Chiang Mai from the keyboard and it goes to that office", { timeout: 180_000 }, async () => {
  admin(["office", "add", "--code", "ชม", "--name", "พมจ.เชียงใหม่"]);
  admin(["office", "add", "--code", "พล", "--name", "พมจ.พิษณุโลก"]);
  admin(["route", "set", "--area", "50", "--office", "ชม"]);
  admin(["route", "set", "--area", "65", "--office", "พล"]);
  admin(["hotline", "add", "--username", "nida", "--name", "นางสาวนิดา รับสาย"], { RAKSA_HOTLINE_PASSWORD: PASSWORD });
  const started = await startServer(db);
  server = started.proc;
  const base = started.url;
  chrome = await chromium({ width: 1200, height: 1500 });
  browser = chrome.browser;

  // Sign in: a wrong password first.
  await browser.url(`${base}/console`);
  await type("username", "nida");
  await type("password", "ผิด");
  await (await browser.$("#login-form button")).click();
  await (await browser.$("#login-error")).waitForDisplayed({ timeout: 10_000 });
  assert.match(await (await browser.$("#login-error")).getText(), /ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง/);
  await type("username", "nida");
  await type("password", PASSWORD);
  await (await browser.$("#login-form button")).click();
  await (await browser.$("#intake")).waitForDisplayed({ timeout: 10_000 });
  const cookie = (await browser.getCookies()).find((c) => c.name === "raksa_console");
  assert.ok(cookie, "a session cookie");
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.secure, true);
  assert.equal(cookie.sameSite, "Strict");
  assert.equal(await browser.execute(() => document.cookie.includes("raksa_console")), false, "script cannot read it");

  // A post without the form's CSRF token is refused, and files nothing.
  const forged = await browser.execute(async () => {
    const r = await fetch("/console/requests", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "form_id=x&issue=elderly&details=ปลอม&reporter_name=ปลอม",
    });
    return r.status;
  });
  assert.equal(forged, 403);

  // The call, from the keyboard.
  const fillCall = async (phone) => {
    await type("reporter_name", "นายสมพงษ์ ใจดี");
    await type("reporter_phone", phone);
    await type("reporter_relation", "เพื่อนบ้าน");
    await type("person_name", "นางคำ แสนดี");
    await type("person_age", "82");
    const q = await browser.$("#place_q");
    await q.click();
    await q.setValue("สุเทพ");
    await (await browser.$("#place_pick")).waitForDisplayed({ timeout: 10_000 });
    await browser.keys("Enter");
    await browser.waitUntil(async () => (await (await browser.$("#subdistrict_code")).getValue()).startsWith("50"), { timeout: 5_000 });
    await type("address_text", "หลังวัดสวนดอก");
    await (await browser.$('[name="details"]')).click();
    await browser.keys(["Alt", "8"]); // ปัญหาผู้สูงอายุ
    await browser.keys(["Alt"]); // (release)
    assert.equal(await (await browser.$('input[name="issue"][value="elderly"]')).isSelected(), true);
    await type("details", "ผู้สูงอายุติดเตียงอยู่ลำพัง ลูกไม่กลับบ้านมาสามวันแล้ว");
  };
  await fillCall("081-234-5678");
  await screenshot(browser, "console");
  await (await browser.$('[name="details"]')).click();
  await browser.keys(["Control", "Enter"]);
  await (await browser.$("#flash")).waitForDisplayed({ timeout: 10_000 });
  assert.match(await (await browser.$("#flash")).getText(), /ส่งให้สำนักงาน ชม/);
  const list = await (await browser.$("#my-requests")).getText();
  assert.match(list, /ปัญหาผู้สูงอายุ/);
  assert.match(list, /เชียงใหม่/);
  assert.match(list, /รับเรื่องแล้ว/);

  // A second call with the same phone: the hint names the open request.
  await fillCall("0812345678");
  await (await browser.$("#reporter_phone")).click();
  await browser.keys("Tab");
  await browser.waitUntil(async () => /อาจเป็นเรื่องเดียวกัน/.test(await (await browser.$("#similar")).getText()), { timeout: 10_000 });

  // A bad ID is refused next to its field, in Thai, and what was typed stays.
  await type("person_citizen_id", "1101700230706");
  await (await browser.$("#file-request")).click();
  await (await browser.$("#form-error")).waitForDisplayed({ timeout: 10_000 });
  assert.match(await (await browser.$("form#intake")).getText(), /เลขประจำตัว/);
  assert.equal(await (await browser.$('[name="reporter_name"]')).getValue(), "นายสมพงษ์ ใจดี");

  // Signing out ends the session.
  await (await browser.$("#logout")).click();
  await (await browser.$("#login-form")).waitForDisplayed({ timeout: 10_000 });
});
