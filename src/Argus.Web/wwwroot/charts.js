// The console's time series charts, drawn by uPlot (wwwroot/lib/uplot, loaded by App.razor as window.uPlot).
// TimeSeriesChart.razor hands over one compact object per chart: the times (unix seconds) and one array of values
// per series, never an object per point:
//   { unit, rightUnit, height, step, connectGaps, times: [t...], series: [{ label, values: [v...], right }],
//     markers: { times: [t...], labels: [s...] }, heatmap: { bounds: [b...], counts: [[c per bucket] per time] } | null }
// Deployment markers are elements over the plot (so they can be hovered, and found by the end-to-end tests); the
// heatmap's cells are painted in uPlot's draw hook.

const palette = ["#0f6cbd", "#c50f1f", "#107c10", "#8764b8", "#ca5010", "#038387", "#986f0b", "#e3008c", "#4f6bed", "#5c2e91", "#7a7574"];
const axisStroke = "#616161";
const gridStroke = "#ebebeb";

function compact(v) {
    const a = Math.abs(v);
    if (a >= 1e9) return trim(v / 1e9) + "G";
    if (a >= 1e6) return trim(v / 1e6) + "M";
    if (a >= 1e4) return trim(v / 1e3) + "k";
    return trim(v);
}

function trim(v) {
    const a = Math.abs(v);
    const digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
    return String(Number(v.toFixed(digits)));
}

// How a value is written on an axis and in the legend, by the chart's unit.
export function format(unit, v) {
    if (v == null || Number.isNaN(v)) return "—";
    switch (unit) {
        case "ms":
            return Math.abs(v) >= 1000 ? trim(v / 1000) + " s" : trim(v) + " ms";
        case "s":
            return Math.abs(v) < 1 && v !== 0 ? trim(v * 1000) + " ms" : trim(v) + " s";
        case "%":
            return trim(v) + " %";
        case "count/s":
        case "/s":
            return compact(v) + "/s";
        case "count":
        case "":
        case null:
        case undefined:
            return compact(v);
        case "By":
            return bytes(v);
        default:
            return compact(v) + " " + unit;
    }
}

function bytes(v) {
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let i = 0;
    while (Math.abs(v) >= 1024 && i < units.length - 1) {
        v /= 1024;
        i++;
    }
    return trim(v) + " " + units[i];
}

const pad = n => String(n).padStart(2, "0");

// The time axis in UTC, as the rest of the console writes times: 24-hour clock, the date once the range spans days.
function timeLabels(u, splits) {
    const span = u.scales.x.max - u.scales.x.min;
    return splits.map(t => {
        const d = new Date(t * 1000);
        const day = `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
        const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
        return span > 7 * 86400 ? day : span > 86400 ? `${day} ${time}` : time;
    });
}

function markersPlugin(config) {
    const markers = config.markers ?? { times: [], labels: [] };
    let elements = null;
    return {
        hooks: {
            // Made at the first draw, which comes before uPlot's ready hook.
            draw: u => {
                elements ??= markers.times.map((t, i) => {
                    const el = document.createElement("div");
                    el.className = "chart-marker";
                    el.title = markers.labels[i];
                    el.dataset.time = String(t);
                    const label = document.createElement("span");
                    label.textContent = markers.labels[i];
                    el.appendChild(label);
                    u.over.appendChild(el);
                    return el;
                });
                const [min, max] = [u.scales.x.min, u.scales.x.max];
                elements.forEach((el, i) => {
                    const t = markers.times[i];
                    el.style.display = t >= min && t <= max ? "" : "none";
                    el.style.left = u.valToPos(t, "x") + "px";
                });
            },
        },
    };
}

function heatmapPlugin(config) {
    const heatmap = config.heatmap;
    return {
        hooks: {
            draw: u => {
                const counts = heatmap.counts;
                let max = 0;
                counts.forEach(row => row.forEach(c => { if (c > max) max = c; }));
                if (max === 0) return;
                const ctx = u.ctx;
                ctx.save();
                ctx.beginPath();
                ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
                ctx.clip();
                const times = config.times;
                let cells = 0;
                counts.forEach((row, i) => {
                    const x0 = u.valToPos(times[i], "x", true);
                    const x1 = u.valToPos(times[i] + config.step, "x", true);
                    row.forEach((c, j) => {
                        if (c <= 0) return;
                        const y0 = u.valToPos(j + 1, "y", true);
                        const y1 = u.valToPos(j, "y", true);
                        // A log scale, so that a few slow observations still show beside thousands of fast ones.
                        const a = Math.log1p(c) / Math.log1p(max);
                        ctx.fillStyle = `rgba(15, 108, 189, ${(0.12 + 0.88 * a).toFixed(3)})`;
                        ctx.fillRect(x0, y0, Math.max(1, x1 - x0 - 1), Math.max(1, y1 - y0 - 1));
                        cells++;
                    });
                });
                ctx.restore();
                // How many cells were painted: what a test can see of a canvas.
                u.root.parentElement.dataset.cells = String(cells);
            },
        },
    };
}

function options(element, config) {
    const utc = ts => uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC");
    const series = [{ label: "time (UTC)", value: "{YYYY}-{MM}-{DD} {HH}:{mm}:{ss}" }];
    const axes = [{ stroke: axisStroke, grid: { stroke: gridStroke, width: 1 }, ticks: { stroke: gridStroke }, values: timeLabels }];
    const scales = { x: { time: true } };
    const plugins = [markersPlugin(config)];
    const heatmap = config.heatmap;
    if (heatmap) {
        // One bucket a row: row j spans (bounds[j-1], bounds[j]], the last one is unbounded.
        const rows = heatmap.bounds.length + 1;
        scales.y = { auto: false, range: [0, rows] };
        series.push({
            label: "observations",
            stroke: palette[0],
            paths: () => null,
            points: { show: false },
            value: (u, v) => v == null ? "—" : compact(v),
        });
        const stride = Math.max(1, Math.ceil(rows / Math.max(1, Math.floor((config.height - 40) / 24))));
        axes.push({
            stroke: axisStroke,
            grid: { show: false },
            size: 70,
            splits: () => Array.from({ length: Math.floor(rows / stride) + 1 }, (_, k) => k * stride).filter(j => j <= rows),
            values: (u, splits) => splits.map(j => j === 0 ? "0" : j >= rows ? "+Inf" : "≤" + format(config.unit, heatmap.bounds[j - 1])),
        });
        plugins.push(heatmapPlugin(config));
    } else {
        scales.y = { range: (u, min, max) => [Math.min(0, min ?? 0), max > 0 ? max * 1.1 : 1] };
        const hasRight = config.series.some(s => s.right);
        if (hasRight) {
            scales.y2 = { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] };
        }
        config.series.forEach((s, i) => {
            const unit = s.right ? config.rightUnit : config.unit;
            series.push({
                label: s.label,
                scale: s.right ? "y2" : "y",
                stroke: palette[i % palette.length],
                width: 1.5,
                dash: s.right ? [6, 4] : undefined,
                spanGaps: !!config.connectGaps,
                points: { show: config.times.length < 30 },
                value: (u, v) => format(unit, v),
            });
        });
        axes.push({
            stroke: axisStroke, grid: { stroke: gridStroke, width: 1 }, ticks: { stroke: gridStroke }, size: 64,
            values: (u, splits) => splits.map(v => format(config.unit, v)),
        });
        if (hasRight) {
            axes.push({
                scale: "y2", side: 1, stroke: axisStroke, grid: { show: false }, size: 60,
                values: (u, splits) => splits.map(v => format(config.rightUnit, v)),
            });
        }
    }

    return {
        width: Math.max(200, element.clientWidth),
        height: config.height,
        tzDate: utc,
        series,
        axes,
        scales,
        plugins,
        cursor: { points: { show: !heatmap }, drag: { x: false, y: false } },
        legend: { live: true },
    };
}

function data(config) {
    if (config.heatmap) {
        return [config.times, config.heatmap.counts.map(row => row.reduce((a, c) => a + c, 0))];
    }

    return [config.times, ...config.series.map(s => s.values)];
}

/** Draws a chart into element; the returned handle is kept by the component for update and dispose. */
export function create(element, config) {
    const handle = { element, config, chart: null, observer: null };
    draw(handle);
    // Sized to the container: a narrower window or a collapsed menu redraws at the new width.
    handle.observer = new ResizeObserver(() => {
        if (handle.chart && element.clientWidth > 0 && Math.abs(handle.chart.width - element.clientWidth) > 1) {
            handle.chart.setSize({ width: element.clientWidth, height: handle.config.height });
        }
    });
    handle.observer.observe(element);
    return handle;
}

function draw(handle) {
    handle.chart?.destroy();
    handle.element.replaceChildren();
    handle.chart = new uPlot(options(handle.element, handle.config), data(handle.config), handle.element);
    handle.element.dataset.points = String(handle.config.times.length);
}

/** New data for the chart: drawn anew (the series may differ), in the same element. */
export function update(handle, config) {
    handle.config = config;
    draw(handle);
}

/** Frees the uPlot instance and stops watching the element's size. */
export function dispose(handle) {
    handle.observer?.disconnect();
    handle.chart?.destroy();
    handle.chart = null;
}
