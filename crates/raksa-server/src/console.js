// The 1300 console's intake form, keyboard-first: type a place and pick it with the arrow
// keys, Alt+1…0 ticks a core issue, Ctrl+Enter files the request; a hint appears when an
// open request in the same province has the same phone or citizen ID.
"use strict";
(function () {
  const form = document.getElementById("intake");
  if (!form) return;
  const q = document.getElementById("place_q");
  const pick = document.getElementById("place_pick");
  const code = document.getElementById("subdistrict_code");
  const similar = document.getElementById("similar");
  let timer = 0;

  function choose(option) {
    code.value = option.value;
    q.value = option.textContent;
    pick.hidden = true;
    checkSimilar();
  }
  q.addEventListener("input", () => {
    code.value = "";
    clearTimeout(timer);
    const text = q.value.trim();
    if (text.length < 2) {
      pick.hidden = true;
      return;
    }
    timer = setTimeout(async () => {
      const r = await fetch("/console/places?q=" + encodeURIComponent(text), { credentials: "same-origin" });
      if (!r.ok) return;
      const found = await r.json();
      pick.replaceChildren(
        ...found.map((p) => {
          const o = document.createElement("option");
          o.value = p.code;
          o.textContent = p.label;
          return o;
        }),
      );
      pick.hidden = found.length === 0;
      if (found.length > 0) pick.selectedIndex = 0;
    }, 150);
  });
  q.addEventListener("keydown", (e) => {
    if (pick.hidden) return;
    if (e.key === "ArrowDown") {
      e.preventDefault();
      pick.focus();
    } else if (e.key === "Enter") {
      e.preventDefault();
      if (pick.selectedIndex >= 0) choose(pick.options[pick.selectedIndex]);
    }
  });
  pick.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      if (pick.selectedIndex >= 0) choose(pick.options[pick.selectedIndex]);
      q.focus();
    }
  });
  pick.addEventListener("click", () => {
    if (pick.selectedIndex >= 0) choose(pick.options[pick.selectedIndex]);
  });

  async function checkSimilar() {
    const province = code.value.slice(0, 2);
    const phone = document.getElementById("reporter_phone").value;
    const cid = document.getElementById("person_citizen_id").value;
    if (!province || (!phone && !cid)) return;
    const url = `/console/similar?province=${province}&phone=${encodeURIComponent(phone)}&cid=${encodeURIComponent(cid)}`;
    const r = await fetch(url, { credentials: "same-origin" });
    if (!r.ok) return;
    const found = await r.json();
    similar.textContent =
      found.length === 0
        ? ""
        : `มีเรื่องที่ยังเปิดอยู่ในจังหวัดนี้ด้วยเบอร์โทรหรือเลขประจำตัวเดียวกัน ${found.length} เรื่อง: ` +
          found.map((f) => `รับเมื่อ ${f.received} (สำนักงาน ${f.office})`).join(", ") +
          " — อาจเป็นเรื่องเดียวกัน";
  }
  document.getElementById("reporter_phone").addEventListener("change", checkSimilar);
  document.getElementById("person_citizen_id").addEventListener("change", checkSimilar);

  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey && e.key === "Enter") {
      e.preventDefault();
      form.requestSubmit();
    } else if (e.altKey && /^[0-9]$/.test(e.key)) {
      const box = form.querySelector(`input[name="issue"][data-key="${e.key}"]`);
      if (box) {
        e.preventDefault();
        box.checked = !box.checked;
        box.focus();
      }
    }
  });
})();
