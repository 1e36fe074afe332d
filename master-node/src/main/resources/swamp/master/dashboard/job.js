// A job's page: its command, facts, attempts and output, read from /api/jobs/ID whenever the feed
// says the job changed. What did not change is left as it is, so a selection in it survives.
"use strict";

/** Reads of a job's page started: only the newest one's answer is shown, an older one may come last. */
let jobReads = 0;

async function showJob(id) {
  const mine = ++jobReads;
  let j;
  try {
    j = await api("GET", "/api/jobs/" + encodeURIComponent(id));
  } catch (e) {
    if (mine === jobReads) clearJob(); // not another job's details, nor its Cancel button, under the error
    throw e;
  }
  if (mine !== jobReads) return;
  if (state.job && state.job.id === j.id && state.job.state !== j.state) {
    announce(`Job ${j.id}: ${j.state}` + (j.exitCode !== null && j.exitCode !== undefined ? ` (exit ${j.exitCode}).` : "."));
  }
  setText($("#job-id"), j.id);
  setText($("#job-state"), j.state);
  $("#job-state").className = "state " + j.state;
  $("#cancel").hidden = FINAL.has(j.state);
  state.job = j;
  const stages = j.stages || [];
  const facts = [["command", j.command || j.argv.join(" ")],
    stages.length > 1 ? ["stages", stageList(stages), stages.join("\n")] : ["argv", visibleJson(j.argv)],
    ["directory", j.workDir], ["worker", j.worker], ["attempts", j.attempts], ["submitted", zoned(j.submittedAt)],
    ["started", zoned(j.startedAt)], ["finished", zoned(j.finishedAt)], ["took", jobTook(j)],
    ["exit code", j.exitCode],
    ["pid", j.pid], ["reason", j.reason], ["run", j.run ? `${j.run} step ${j.step}` : null],
    ["redirects", j.redirects && stages.length <= 1 ? visibleJson(j.redirects) : null], ["key", j.key]];
  drawFacts($("#job-facts"), facts);
  syncRows($("#job-attempts tbody"), (j.history || []).map(a => ({ key: a.attempt, from: JSON.stringify(a),
    build: () => {
      const tr = document.createElement("tr");
      tr.dataset.attempt = a.attempt;
      [a.attempt, a.worker, when(a.startedAt), when(a.endedAt), a.outcome ?? "running"]
        .forEach(v => cell(tr, v));
      return tr;
    } })));
  $("#job-truncated").hidden = !j.truncated;
  drawOutput("stdout", j.stdout + (j.truncated ? "\n[truncated]" : ""));
  drawOutput("stderr", j.stderr);
}

/** The streams of binary output the user asked to see all the same, as "ID/stdout". */
const binaryShown = new Set();

/**
 * A stream of the job's page: without its terminal colour codes (ANSI escapes, shown as boxes
 * and "[31m" otherwise); binary output is said, not drawn as a screenful of replacement
 * characters, unless the user asks for it.
 */
function drawOutput(stream, text) {
  const key = `${state.job.id}/${stream}`;
  const binary = !binaryShown.has(key) && looksBinary(text);
  const note = $(`#job-${stream}-binary`);
  note.hidden = !binary;
  if (binary) {
    const show = Object.assign(document.createElement("button"), { textContent: "Show it as text" });
    show.addEventListener("click", () => { binaryShown.add(key); drawOutput(stream, text); show.blur(); });
    note.replaceChildren(`Binary output (${text.length.toLocaleString("en")} characters), not shown. `, show);
  }
  setText($(`#job-${stream}`), binary ? "" : text.replace(ANSI, ""));
}

/** Terminal escapes: colours and cursor moves (CSI), and titles (OSC). */
const ANSI = /\x1b\[[0-?]*[ -\/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?/g;

/** Whether output is binary: one character in ten of its start a control character or undecodable. */
function looksBinary(text) {
  const start = text.slice(0, 4096);
  const odd = (start.match(/[\x00-\x08\x0e-\x1a\x1c-\x1f\ufffd]/g) || []).length;
  return odd > start.length / 10;
}

/**
 * A list of facts, [name, value] each (a value may be an element, with what it shows as a third),
 * those without a value left out: each a dt and its dd in a group of their own, kept while its
 * value stays the same.
 */
function drawFacts(dl, facts) {
  syncRows(dl, facts.filter(([, v]) => v !== null && v !== undefined && v !== "").map(([k, v, shows]) => ({
    key: k, from: String(shows ?? v), build: () => {
      const group = document.createElement("div");
      const dd = document.createElement("dd");
      if (v instanceof Node) dd.append(v); else dd.textContent = v;
      group.append(Object.assign(document.createElement("dt"), { textContent: k }), dd);
      return group;
    } })));
}

/** A pipeline's stages, each on a line of its own, in order: what each reads is the one before's output. */
function stageList(stages) {
  const ol = document.createElement("ol");
  ol.className = "stages";
  stages.forEach(line => ol.appendChild(document.createElement("li"))
    .appendChild(Object.assign(document.createElement("code"), { textContent: line })));
  return ol;
}

const zoned = t => t ? `${when(t)} ${ZONE}` : null;

function clearJob() {
  $("#job-id").textContent = "";
  $("#job-state").textContent = "";
  $("#job-state").className = "state";
  $("#cancel").hidden = true;
  state.job = null;
  ["#job-facts", "#job-attempts tbody", "#job-stdout", "#job-stderr"].forEach(s => $(s).replaceChildren());
  ["#job-truncated", "#job-stdout-binary", "#job-stderr-binary"].forEach(s => { $(s).hidden = true; });
}
