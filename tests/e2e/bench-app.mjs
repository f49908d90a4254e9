// App benchmark (not a test): cold start to the unlock screen, memory of every app process
// after unlock, and binary size. Run by scripts/bench-app.sh, which builds a release binary
// and sets up an office with the headless CLI first. Prints a Markdown table.
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { appBinary, fill, launch } from "./driver.mjs";

const dataDir = process.env.RAKSA_BENCH_DIR;
const runs = Number(process.env.RAKSA_BENCH_RUNS ?? 5);
if (!dataDir) throw new Error("set RAKSA_BENCH_DIR to an initialised office folder");

function children(pid) {
  const out = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}

function tree(pid) {
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...children(all[i]));
  return all;
}

function memory(pid) {
  let rss = 0;
  let pss = 0;
  const names = [];
  for (const p of tree(pid)) {
    try {
      const roll = readFileSync(`/proc/${p}/smaps_rollup`, "utf8");
      rss += Number(/^Rss:\s+(\d+)/m.exec(roll)?.[1] ?? 0);
      pss += Number(/^Pss:\s+(\d+)/m.exec(roll)?.[1] ?? 0);
      names.push(readFileSync(`/proc/${p}/comm`, "utf8").trim());
    } catch {
      /* gone */
    }
  }
  return { rssMiB: rss / 1024, pssMiB: pss / 1024, names };
}

function appPid() {
  const out = execFileSync("pgrep", ["-f", "-x", appBinary], { encoding: "utf8" }).trim().split("\n");
  return Number(out[0]);
}

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const starts = [];
const mems = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const app = await launch({ dataDir });
  const form = await app.browser.$("#unlock-form");
  await form.waitForDisplayed({ timeout: 60_000 });
  starts.push(performance.now() - t0);
  await fill(app.browser, "username", "admin");
  await fill(app.browser, "password", process.env.RAKSA_PASSPHRASE);
  await app.browser.keys("Enter");
  await (await app.browser.$("#case-table, .empty")).waitForDisplayed({ timeout: 30_000 });
  await new Promise((r) => setTimeout(r, 2000));
  mems.push(memory(appPid()));
  await app.stop();
  await new Promise((r) => setTimeout(r, 1000));
}
const size = statSync(appBinary).size / 1048576;
const m = mems[Math.floor(mems.length / 2)];
console.log(`| measure (release build, ${runs} runs, median) | result |`);
console.log("|---|---|");
console.log(`| cold start: launch → unlock screen shown (via tauri-driver) | ${median(starts).toFixed(0)} ms |`);
console.log(`| memory after unlock, all app processes: RSS sum | ${median(mems.map((x) => x.rssMiB)).toFixed(0)} MiB |`);
console.log(`| memory after unlock, all app processes: PSS sum | ${median(mems.map((x) => x.pssMiB)).toFixed(0)} MiB |`);
console.log(`| processes counted | ${m.names.join(", ")} |`);
console.log(`| release binary size | ${size.toFixed(1)} MiB |`);
