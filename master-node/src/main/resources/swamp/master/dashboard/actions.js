// What the dashboard's buttons do to the pool (dismiss workers, cancel jobs), each asked first in
// a dialog that says what will happen; the dialog is the page's <dialog id="ask">, modal, with
// the harmless answer focused: Escape or Enter on it changes nothing.
"use strict";

/** Asks {question} in the dialog, explained by {text}: true when the user answers {yes}. */
function ask(question, text, yes, no) {
  const d = $("#ask");
  setText($("#ask-question"), question);
  setText($("#ask-text"), text);
  setText($("#ask-yes"), yes);
  setText($("#ask-no"), no);
  d.returnValue = "";
  d.showModal();
  $("#ask-no").focus();
  return new Promise(answer => d.addEventListener("close", () => answer(d.returnValue === "yes"), { once: true }));
}

/** What dismissing {workers} does to their jobs, in a sentence or two. */
function whatDismissDoes(workers) {
  const running = workers.reduce((n, w) => n + heldBy(w).running.length, 0);
  const waiting = workers.reduce((n, w) => n + heldBy(w).waiting.length, 0);
  const one = workers.length === 1;
  let text = running === 0 ? `${one ? "It has" : "They have"} no job running: ${one ? "it exits" : "they exit"} now`
    : `${one ? "It takes" : "They take"} no new job, ${one ? "finishes its" : "finish their"} ${plural(running, "running job")}`
      + ` and ${one ? "exits" : "exit"}`;
  if (waiting) text += `; ${plural(waiting, "job")} waiting on ${one ? "it" : "them"} for a slot `
    + `${waiting === 1 ? "goes" : "go"} back to the queue`;
  return text + ".";
}

async function dismiss(id, b) {
  const w = state.workers.find(x => x.id === id);
  if (!w || !await ask(`Dismiss worker ${id}?`, whatDismissDoes([w]), `Dismiss ${id}`, "Keep it")) return;
  await act(b, () => api("POST", `/api/workers/${encodeURIComponent(id)}/dismiss`), `Worker ${id} dismissed.`);
}

async function dismissAll(b) {
  const workers = state.workers.filter(w => !w.draining);
  const h = state.health;
  const after = h && h.localExec === "when-no-workers"
    ? " The master then runs queued jobs itself (local-exec when-no-workers)."
    : " Queued jobs then wait until a worker joins.";
  if (!await ask(`Dismiss all ${plural(workers.length, "worker")}?`, whatDismissDoes(workers) + after,
    "Dismiss all", "Keep them")) return;
  await act(b, () => api("POST", "/api/workers/dismiss"), `${plural(workers.length, "worker")} dismissed.`);
}

async function cancelJob(b) {
  const j = state.job;
  if (!j) return;
  const holder = j.worker && state.workers.find(w => w.id === j.worker);
  const waits = holder && heldBy(holder).waiting.includes(j.id);
  const text = j.state === "QUEUED" ? "It leaves the queue and ends CANCELLED without running."
    : waits ? `It waits on ${j.worker} for a free slot: it ends CANCELLED without running.`
    : `Its process on ${j.worker} is killed, and it ends CANCELLED; it is not run again.`;
  const inRun = j.run ? ` It is step ${j.step} of run ${j.run}: bin/swamp run takes it as a command that failed.` : "";
  if (!await ask(`Cancel job ${j.id} (${shortened(j.command || j.argv.join(" "))})?`, text + inRun,
    `Cancel ${j.id}`, "Keep it")) return;
  await act(b, async () => {
    await api("DELETE", "/api/jobs/" + encodeURIComponent(j.id));
    await showJob(j.id); // which says that it ended CANCELLED
  }, "");
}

/**
 * Cancels every queued and running job of the run whose page is open, in one request (POST
 * /api/jobs/cancel), and says under the run's name what the master answered.
 */
async function cancelRun(b) {
  if (!state.run) return;
  const r = await api("GET", "/api/runs/" + encodeURIComponent(state.run.id)); // as it stands now
  const jobs = r.commands.filter(c => c.job && (c.state === "QUEUED" || c.state === "RUNNING"));
  if (!jobs.length) return;
  const ahead = new Set(state.workers.flatMap(w => heldBy(w).waiting)); // RUNNING to the API, not started
  const running = jobs.filter(c => c.state === "RUNNING" && !ahead.has(c.job)).length;
  const waiting = jobs.filter(c => ahead.has(c.job)).length;
  const queued = jobs.length - running - waiting;
  const unstarted = [waiting ? `${plural(waiting, "job")} waiting on a worker for a slot` : "",
    queued ? plural(queued, "queued job") : ""].filter(Boolean).join(" and ");
  const text = [running ? `${plural(running, "running job")} ${running === 1 ? "is" : "are"} killed` : "",
    unstarted ? `${unstarted} never ${waiting + queued === 1 ? "runs" : "run"}` : ""]
    .filter(Boolean).join(" and ") + "; each ends CANCELLED. bin/swamp run, which runs the script, takes"
    + " each as a command that failed and goes on as the script says (stop it with Ctrl-C to start no more).";
  if (!await ask(`Cancel the ${plural(jobs.length, "job")} of run ${r.id} (${r.name})?`, text,
    `Cancel ${plural(jobs.length, "job")}`, "Keep them")) return;
  await act(b, async () => {
    const done = await api("POST", "/api/jobs/cancel", { run: r.id });
    const said = $("#run-cancelled");
    said.dataset.run = r.id;
    said.textContent = `Run ${r.id}: ${whatCancelDid(done)}`;
    said.hidden = false;
    announce(said.textContent);
  }, "");
}

/** What POST /api/jobs/cancel answered, in words: "cancelled 3 queued jobs; 2 running jobs being killed." */
function whatCancelDid(a) {
  if (!a.cancelled && !a.killing) return "nothing to cancel: its jobs had ended meanwhile.";
  return [a.cancelled ? `cancelled ${plural(a.cancelled, "queued job")}` : "",
    a.killing ? `${plural(a.killing, "running job")} being killed (each ends CANCELLED once its process is gone)` : ""]
    .filter(Boolean).join("; ") + ".";
}

/** Does {what} with its button {b} off meanwhile; says {done} once it is done, else the error. */
async function act(b, what, done) {
  b.disabled = true;
  try {
    await what();
    if (done) announce(done);
  } catch (e) {
    showError(e);
  } finally {
    b.disabled = false;
  }
}

/** A command line cut to 60 characters for a question. */
const shortened = line => line.length > 60 ? line.slice(0, 59) + "\u2026" : line;
