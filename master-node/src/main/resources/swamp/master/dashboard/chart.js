// The plots: queued, running and finished per second. The master's history (/api/history, a
// sample every few seconds for the last hour) fills it as the page opens; the page then adds a
// sample a second from the pushed counts.
"use strict";

/** How far back the plot goes, in seconds: the master keeps as much history. */
const PLOT_SPAN = 3600;

/**
 * Puts the master's history before the page's own samples, once per master: after a restart the
 * master's new history starts where the page already has samples, and the gap stays.
 */
async function readHistory() {
  if (state.health && state.health.masterEpoch === state.historyOf) return; // read from this master already
  const h = await api("GET", "/api/history");
  if (h.masterEpoch === state.historyOf) return;
  state.historyOf = h.masterEpoch;
  const s = state.series;
  const first = s[0].length ? s[0][0] : Infinity;
  const past = [[], [], [], []];
  let last = null;
  for (const x of h.samples) {
    const t = Date.parse(x.at) / 1000;
    if (!(t < first)) break;
    if (last !== null && t - last > 2.5 * h.interval) gapAfter(past, last + 1); // the master missed samples
    past[0].push(t); past[1].push(x.queued); past[2].push(x.running); past[3].push(x.finishedPerSecond);
    last = t;
  }
  if (last === null) return;
  if (first !== Infinity && first - last > 2.5 * h.interval) gapAfter(past, last + 1);
  s.forEach((a, i) => a.unshift(...past[i]));
  if (state.lastTick === 0) state.lastTick = last;
  drawPlot();
}

function gapAfter(series, time) {
  series[0].push(time); series[1].push(null); series[2].push(null); series[3].push(null);
}

/** Under the plot: since when it shows the pool, when the master started within its span. */
function plotNote() {
  const h = state.health;
  const started = h && h.masterEpoch > 0 && h.masterEpoch > Date.now() - PLOT_SPAN * 1000
    ? ` The master started at ${when(new Date(h.masterEpoch).toISOString())}: it has no numbers from before.` : "";
  return `The last hour at most (${ZONE}).` + started;
}

function tick() {
  const h = state.health;
  if (!h) return;
  const now = Date.now() / 1000;
  const s = state.series;
  if ($("#live").className !== "on") { // the master's numbers are not live: no sample, a gap
    state.lastFinished = null;
    gap(now);
    return;
  }
  if (now - state.lastTick > 10) gap(state.lastTick + 1); // the page slept (a background tab)
  const finished = h.succeeded + h.failed + h.cancelled;
  // per second of the time since the last sample: a timer that ran late is not a peak
  const rate = state.lastFinished === null ? null
    : Math.max(0, finished - state.lastFinished) / Math.max(now - state.lastTick, 0.001);
  state.lastFinished = finished;
  state.lastTick = now;
  if (rate === null && s[0].length) return; // its first: no rate yet, and the history has one
  s[0].push(now); s[1].push(h.queued); s[2].push(h.running); s[3].push(rate ?? 0);
  while (s[0].length && s[0][0] < now - PLOT_SPAN) s.forEach(a => a.shift());
  drawPlot();
}

/**
 * Two plots, one above the other, their cursors together: the queue (thousands of jobs) above,
 * and below the jobs running (left axis) and finished per second (right axis). On one axis the
 * queue's thousands flattened the others to a line at 0.
 */
function drawPlot() {
  const s = state.series;
  const data = () => [[s[0], s[1]], [s[0], s[2], s[3]]];
  if (!state.plot && typeof uPlot !== "undefined") {
    const [queue, work] = data();
    state.plot = new uPlot(plotOptions(PLOT_HEIGHT[0], null, [{ label: "queued", stroke: "#888" }],
      [{ label: "queued jobs", size: countsWidth }]), queue, $("#plot"));
    state.ratePlot = new uPlot(plotOptions(PLOT_HEIGHT[1], `time (${ZONE})`,
      // lines at 3:1 or more on white (WCAG AA for graphics); the rate's dashed, told apart without colour
      [{ label: "running (left axis)", stroke: "#c60" },
        { label: "finished/s (right axis)", stroke: "#1a7f4b", dash: [6, 3], scale: "rate" }],
      [{ label: "running jobs", size: countsWidth, stroke: "#a50" },
        { label: "finished/s", scale: "rate", side: 1, size: countsWidth, stroke: "#1a7f4b", grid: { show: false } }]),
    work, $("#plot"));
  } else if (state.plot && !$("#pool").hidden) {
    // made while the pool was hidden (a job's page opened first), they have a guessed width
    if (state.plot.width !== plotWidth()) sizePlots();
    const [queue, work] = data();
    state.plot.setData(queue);
    state.ratePlot.setData(work);
  }
  const note = plotNote();
  if ($("#plot-note").textContent !== note) $("#plot-note").textContent = note;
}

/** The heights of the queue's plot and of the running jobs' and rate's plot, in px. */
const PLOT_HEIGHT = [140, 160];

/** A plot of the pool's {series} against time (its axis labelled {timeLabel}), with the {axes} on its left and right. */
function plotOptions(height, timeLabel, series, axes) {
  return { width: plotWidth(), height,
    cursor: { sync: { key: "pool" } },
    // the samples' own span, at least the last minute: for one sample uPlot's spans years
    scales: { x: { time: true, range: u => xSpan(u.data[0]) } },
    axes: [timeLabel ? { label: timeLabel } : {}, ...axes],
    series: [{}, ...series] };
}

function sizePlots() {
  state.plot.setSize({ width: plotWidth(), height: PLOT_HEIGHT[0] });
  state.ratePlot.setSize({ width: plotWidth(), height: PLOT_HEIGHT[1] });
}

/** Breaks the plot's lines at {@code time}: uPlot draws no line across a sample of nulls. */
function gap(time) {
  const s = state.series;
  if (s[0].length === 0 || s[1][s[1].length - 1] === null) return;
  gapAfter(s, time);
}

/** The counts axis' width: its longest label's, so that 20,000 queued does not show as "0,000". */
function countsWidth(u, labels) {
  const longest = Math.max(1, ...(labels || []).map(l => String(l).length));
  return 18 + 8 * longest; // px: ticks and gap, and 12px digits
}

/** The plot's width: 520 px, or the width of its column on a narrow screen. */
function plotWidth() {
  return Math.max(200, Math.min(520, $("#plot").parentElement.clientWidth || 520));
}

window.addEventListener("resize", () => {
  if (state.plot) sizePlots();
});

/** The plot's time axis: from the first sample (a minute before the last, at least) to the last. */
function xSpan(times) {
  const last = times.length ? times[times.length - 1] : Date.now() / 1000;
  return [Math.min(times.length ? times[0] : last, last - 60), last];
}
