// The volunteers' field app. Everything a volunteer types stays on the phone encrypted:
// AES-GCM under a key derived from their PIN (PBKDF2-SHA-256, 310,000 rounds, a random
// salt); the key never leaves memory and is dropped at "lock". A request waits in the
// encrypted outbox until the server acknowledges it — each with its own Idempotency-Key, so
// sending again after a lost answer never makes a second request — and is then erased.
"use strict";
(function () {
  const $ = (s) => document.querySelector(s);
  const META = "raksa-field-meta";
  const ISSUES = {
    family_violence: "ความรุนแรงในครอบครัว",
    teenage_pregnancy: "การตั้งครรภ์ในวัยรุ่น",
    human_trafficking: "การค้ามนุษย์",
    drugs: "ยาเสพติด",
    homeless: "คนไร้ที่พึ่ง/คนไร้บ้าน",
    child_youth: "ปัญหาเด็กและเยาวชน",
    missing_person: "คนหาย",
    elderly: "ปัญหาผู้สูงอายุ",
    disability: "ปัญหาคนพิการ",
    begging: "ขอทาน",
  };
  let key = null;
  let session = null;
  let form = null;
  let photos = [];
  let flushing = false;

  // ---- IndexedDB: one store of sealed records --------------------------------------
  function db() {
    return new Promise((resolve, reject) => {
      const r = indexedDB.open("raksa-field", 1);
      r.onupgradeneeded = () => r.result.createObjectStore("vault");
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
  }
  async function tx(mode, f) {
    const d = await db();
    return new Promise((resolve, reject) => {
      const t = d.transaction("vault", mode);
      const out = f(t.objectStore("vault"));
      t.oncomplete = () => resolve(out && "result" in out ? out.result : undefined);
      t.onerror = () => reject(t.error);
    });
  }
  const put = (id, v) => tx("readwrite", (s) => s.put(v, id));
  const get = (id) => tx("readonly", (s) => s.get(id));
  const del = (id) => tx("readwrite", (s) => s.delete(id));
  const keys = () => tx("readonly", (s) => s.getAllKeys());

  // ---- WebCrypto -----------------------------------------------------------------
  const b64 = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf)));
  const unb64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  async function derive(pin, salt) {
    const base = await crypto.subtle.importKey("raw", new TextEncoder().encode(pin), "PBKDF2", false, ["deriveKey"]);
    return crypto.subtle.deriveKey({ name: "PBKDF2", hash: "SHA-256", salt, iterations: 310000 }, base, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
  }
  async function seal(value) {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, new TextEncoder().encode(JSON.stringify(value)));
    return { iv: b64(iv), ct: b64(ct) };
  }
  async function open(rec) {
    const pt = await crypto.subtle.decrypt({ name: "AES-GCM", iv: unb64(rec.iv) }, key, unb64(rec.ct));
    return JSON.parse(new TextDecoder().decode(pt));
  }

  // ---- screens --------------------------------------------------------------------
  function say(text, error = false) {
    const m = $("#message");
    m.textContent = text;
    m.className = error ? "error" : "";
  }
  function show(id) {
    for (const s of ["#activate", "#unlock", "#main"]) $(s).hidden = s !== id;
  }
  function net() {
    const n = $("#net");
    n.textContent = navigator.onLine ? "ออนไลน์" : "ออฟไลน์ — จะส่งเมื่อมีสัญญาณ";
    n.className = navigator.onLine ? "net" : "net offline";
  }
  window.addEventListener("online", () => {
    net();
    void flush();
  });
  window.addEventListener("offline", net);

  async function activate() {
    const code = $("#code").value.trim();
    const pin = $("#new-pin").value;
    if (pin.length < 6 || !/^\d+$/.test(pin)) return say("PIN ต้องเป็นตัวเลขอย่างน้อย 6 หลัก", true);
    if (pin !== $("#new-pin2").value) return say("PIN ทั้งสองช่องไม่ตรงกัน", true);
    let r;
    try {
      r = await fetch("/v1/field/enrol", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ code }) });
    } catch {
      return say("ยังไม่มีสัญญาณ การเปิดใช้งานครั้งแรกต้องเชื่อมต่ออินเทอร์เน็ต", true);
    }
    const body = await r.json();
    if (!r.ok) return say(body.message_th || "เปิดใช้งานไม่สำเร็จ", true);
    const salt = crypto.getRandomValues(new Uint8Array(16));
    key = await derive(pin, salt);
    localStorage.setItem(META, JSON.stringify({ salt: b64(salt), check: await seal("raksa-ok") }));
    session = body;
    await put("session", await seal(body));
    await start();
  }

  async function unlock() {
    const meta = JSON.parse(localStorage.getItem(META));
    key = await derive($("#pin").value, unb64(meta.salt));
    try {
      if ((await open(meta.check)) !== "raksa-ok") throw new Error();
    } catch {
      key = null;
      return say("PIN ไม่ถูกต้อง", true);
    }
    session = await open(await get("session"));
    await start();
  }

  function lock() {
    key = null;
    session = null;
    $("#request-form").replaceChildren();
    $("#pin").value = "";
    say("");
    show("#unlock");
  }

  // ---- the form, from its definition ----------------------------------------------
  async function loadForm() {
    const r = await fetch("/field/form.json");
    form = await r.json();
    $("#form-title").textContent = form.title_th;
    const f = $("#request-form");
    f.replaceChildren();
    for (const field of form.fields) {
      const label = document.createElement("label");
      label.dataset.key = field.key;
      const title = document.createElement("span");
      title.textContent = field.label_th + (field.required ? " *" : "");
      label.append(title);
      let input;
      if (field.type === "textarea") {
        input = document.createElement("textarea");
        input.rows = 4;
        input.maxLength = field.max || 5000;
      } else if (field.type === "choice") {
        input = document.createElement("select");
        for (const o of field.options) input.append(new Option(o.th, o.value, false, o.value === (field.default || "")));
      } else if (field.type === "issues") {
        input = document.createElement("fieldset");
        for (const [value, th] of Object.entries(ISSUES)) {
          const l = document.createElement("label");
          l.className = "inline";
          const c = document.createElement("input");
          c.type = "checkbox";
          c.name = "issue";
          c.value = value;
          l.append(c, th);
          input.append(l);
        }
      } else if (field.type === "gps") {
        input = document.createElement("button");
        input.type = "button";
        input.textContent = "ใช้ตำแหน่งปัจจุบัน";
        input.addEventListener("click", () =>
          navigator.geolocation.getCurrentPosition(
            (p) => {
              input.dataset.lat = p.coords.latitude.toFixed(6);
              input.dataset.lon = p.coords.longitude.toFixed(6);
              input.textContent = `${input.dataset.lat}, ${input.dataset.lon}`;
              void saveDraft();
            },
            () => say("อ่านตำแหน่งไม่ได้ (ไม่ได้อนุญาต หรือไม่มีสัญญาณ GPS)", true),
          ),
        );
      } else if (field.type === "photos") {
        input = document.createElement("input");
        input.type = "file";
        input.accept = "image/jpeg,image/png";
        input.multiple = true;
        input.capture = "environment";
        input.addEventListener("change", () => void addPhotos(input.files));
        const thumbs = document.createElement("div");
        thumbs.className = "thumbs";
        label.append(input, thumbs);
        f.append(label);
        continue;
      } else {
        input = document.createElement("input");
        if (field.type === "number" || field.type === "citizen_id") input.inputMode = "numeric";
        input.maxLength = field.type === "citizen_id" ? 17 : field.max || 100;
      }
      input.name = field.key;
      label.append(input);
      f.append(label);
    }
    f.addEventListener("input", () => void saveDraft());
  }

  /** Photos are made smaller on the phone (longest side 1600 px, JPEG) before they are kept. */
  async function addPhotos(files) {
    for (const file of [...files].slice(0, 3 - photos.length)) {
      const img = await createImageBitmap(file);
      const scale = Math.min(1, 1600 / Math.max(img.width, img.height));
      const c = document.createElement("canvas");
      c.width = Math.round(img.width * scale);
      c.height = Math.round(img.height * scale);
      c.getContext("2d").drawImage(img, 0, 0, c.width, c.height);
      const blob = await new Promise((r) => c.toBlob(r, "image/jpeg", 0.8));
      const data = b64(await blob.arrayBuffer());
      photos.push(data);
      const t = document.createElement("img");
      t.src = URL.createObjectURL(blob);
      t.alt = "รูปที่แนบ";
      $(".thumbs").append(t);
    }
    await saveDraft();
  }

  function values() {
    const f = $("#request-form");
    const v = {};
    for (const el of f.querySelectorAll("input[name]:not([type=checkbox]):not([type=file]), select, textarea")) v[el.name] = el.value;
    v.issues = [...f.querySelectorAll('input[name="issue"]:checked')].map((c) => c.value);
    const gps = f.querySelector('[name="gps"]');
    if (gps && gps.dataset.lat) v.gps = { lat: Number(gps.dataset.lat), lon: Number(gps.dataset.lon) };
    return v;
  }

  let draftTimer = 0;
  async function saveDraft() {
    clearTimeout(draftTimer);
    draftTimer = setTimeout(async () => {
      if (key) await put("draft", await seal({ values: values(), photos }));
    }, 300);
  }

  async function restoreDraft() {
    const rec = await get("draft");
    if (!rec) return;
    const d = await open(rec);
    const f = $("#request-form");
    for (const [k, v] of Object.entries(d.values)) {
      const el = f.querySelector(`[name="${k}"]:not([type=checkbox])`);
      if (el && typeof v === "string") el.value = v;
    }
    for (const c of f.querySelectorAll('input[name="issue"]')) c.checked = (d.values.issues || []).includes(c.value);
    photos = d.photos || [];
  }

  async function send() {
    const v = values();
    if (v.issues.length === 0) return say("กรุณาเลือกประเด็นปัญหาอย่างน้อย 1 ข้อ", true);
    if (!v.details.trim()) return say("กรุณาเล่าสิ่งที่พบ", true);
    const body = {
      reporter: { name: session.name, phone: "", relation: "อาสาสมัครพัฒนาสังคม (อพม.)" },
      person: { name: v.person_name || "", citizen_id: v.person_citizen_id || "", approx_age: v.person_age ? Number(v.person_age) : null, sex: v.person_sex || null },
      address_text: v.address_text || "",
      gps: v.gps || null,
      core_issues: v.issues,
      urgency: v.urgency || "normal",
      details: v.details,
      photos: photos.map((p) => ({ data_base64: p })),
    };
    const idem = crypto.randomUUID();
    await put(`out:${idem}`, await seal({ idem, body, created: new Date().toISOString() }));
    await del("draft");
    photos = [];
    $("#request-form").reset();
    for (const t of document.querySelectorAll(".thumbs img")) t.remove();
    say(navigator.onLine ? "บันทึกแล้ว กำลังส่ง…" : "บันทึกไว้ในเครื่องแล้ว (เข้ารหัส) จะส่งเมื่อมีสัญญาณ");
    await renderOutbox();
    await flush();
  }

  async function outbox() {
    const out = [];
    for (const k of await keys()) if (String(k).startsWith("out:")) out.push([k, await open(await get(k))]);
    return out;
  }

  async function renderOutbox() {
    if (!key) return;
    const items = await outbox();
    $("#outbox-count").textContent = String(items.length);
    $("#outbox").replaceChildren(
      ...items.map(([, item]) => {
        const li = document.createElement("li");
        if (item.error) li.className = "failed";
        li.textContent = `${item.body.core_issues.map((i) => ISSUES[i]).join(", ")} — ${item.error || "รอส่ง"}`;
        return li;
      }),
    );
  }

  /** Sends what waits, oldest first; an acknowledged request is erased from the phone. */
  async function flush() {
    if (!key || !session || flushing || !navigator.onLine) return;
    flushing = true;
    try {
      for (const [k, item] of await outbox()) {
        let r;
        try {
          r = await fetch("/v1/field/requests", {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${session.token}`, "idempotency-key": item.idem },
            body: JSON.stringify(item.body),
          });
        } catch {
          break; // no signal after all: try again later
        }
        if (r.ok) {
          await del(k);
          say("ส่งเรื่องถึงสำนักงานแล้ว");
        } else if (r.status === 429 || r.status >= 500) {
          break;
        } else {
          const e = await r.json().catch(() => ({}));
          await put(k, await seal({ ...item, error: e.message_th || `ส่งไม่สำเร็จ (${r.status})` }));
          say(e.message_th || "ส่งไม่สำเร็จ", true);
        }
      }
    } finally {
      flushing = false;
      await renderOutbox();
      await renderMine();
    }
  }

  async function renderMine() {
    if (!session || !navigator.onLine) return;
    try {
      const r = await fetch("/v1/field/requests", { headers: { authorization: `Bearer ${session.token}` } });
      if (!r.ok) return;
      const body = await r.json();
      $("#mine").replaceChildren(
        ...body.requests.map((q) => {
          const li = document.createElement("li");
          li.dataset.request = q.id;
          const when = new Date(q.received_at).toLocaleString("th-TH", { dateStyle: "medium", timeStyle: "short" });
          const st = document.createElement("span");
          st.className = "status";
          st.textContent = q.status_th;
          li.append(`${q.core_issues.map((i) => ISSUES[i] || i).join(", ")} · ${when} · `, st);
          return li;
        }),
      );
    } catch {
      /* offline */
    }
  }

  async function start() {
    show("#main");
    say("");
    $("#who").textContent = `${session.name} · สำนักงาน ${session.office}`;
    await loadForm();
    await restoreDraft();
    await renderOutbox();
    await flush();
  }

  $("#activate-button").addEventListener("click", () => void activate());
  $("#unlock-button").addEventListener("click", () => void unlock());
  $("#pin").addEventListener("keydown", (e) => e.key === "Enter" && void unlock());
  $("#send-button").addEventListener("click", () => void send());
  $("#lock-button").addEventListener("click", lock);
  setInterval(() => void flush(), 20000);
  net();
  show(localStorage.getItem(META) ? "#unlock" : "#activate");
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/field/sw.js", { scope: "/field/" }).catch(() => undefined);
})();
