// The field app works without signal: its shell (page, script, style, form, font) is
// cached at install and served from the cache first; the API is never cached.
"use strict";
const CACHE = "raksa-field-v1";
const SHELL = ["/field/", "/field/app.js", "/field/style.css", "/field/form.json", "/field/manifest.webmanifest", "/field/icon.svg", "/fonts/sarabun-regular.ttf", "/fonts/sarabun-bold.ttf"];
self.addEventListener("install", (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});
self.addEventListener("activate", (e) => {
  e.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k)))).then(() => self.clients.claim()),
  );
});
self.addEventListener("fetch", (e) => {
  const url = new URL(e.request.url);
  if (e.request.method !== "GET" || url.pathname.startsWith("/v1/")) return;
  e.respondWith(
    caches.match(e.request).then((hit) => hit || fetch(e.request)),
  );
});
