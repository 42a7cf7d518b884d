using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mall.LoadTests.Reporting;

/// <summary>report.md, report.json and a self-contained report.html (inline SVG charts, no external URL).</summary>
public static class ReportFiles
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Write(RunReport report, string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "report.json"), JsonSerializer.Serialize(report, Json));
        File.WriteAllText(Path.Combine(folder, "report.md"), Markdown(report));
        File.WriteAllText(Path.Combine(folder, "report.html"), Html(report));
    }

    private static string F(double value, string format = "0.##") => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Markdown(RunReport r)
    {
        var md = new StringBuilder();
        md.AppendLine($"# {r.Scenario}: {r.Description}").AppendLine();
        md.AppendLine($"- started {r.StartedAt:yyyy-MM-dd HH:mm:ss} UTC against {r.Target}");
        md.AppendLine($"- load model: {r.LoadModel}; warm-up {F(r.WarmupSeconds)} s excluded");
        md.AppendLine($"- machine: {r.Machine.Cores} cores, {F(r.Machine.MemoryGiB, "0.#")} GiB, {r.Machine.Os}, {r.Machine.Dotnet}");
        md.AppendLine($"- result: **{(r.Passed ? "PASSED" : "FAILED")}**" + (r.Passed ? "" : ": " + string.Join("; ", r.FailureReasons))).AppendLine();
        md.AppendLine("| step | requests | req/s | errors | min ms | p50 | p90 | p95 | p99 | p99.9 | max | status codes | errors by kind |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
        foreach (var s in r.Steps.Concat(r.Baselines.Select(b => b.Value with { Name = $"baseline {b.Key}" })))
            md.AppendLine($"| {s.Name} | {s.Requests:N0} | {F(s.Rps, "0")} | {s.Failed:N0} ({F(s.ErrorRate * 100, "0.##")} %) | {F(s.MinMs)} | {F(s.P50Ms)} | " +
                          $"{F(s.P90Ms)} | {F(s.P95Ms)} | {F(s.P99Ms)} | {F(s.P999Ms)} | {F(s.MaxMs)} | {Codes(s.StatusCodes)} | {Codes(s.Errors)} |");
        if (r.Ratios.Count > 0)
        {
            md.AppendLine().AppendLine("## Same-run ratios").AppendLine();
            md.AppendLine("| comparison | shop req/s | baseline req/s | ratio | target | shop p99 ms | baseline p99 ms | met | shop req per core-s | baseline req per core-s | per-core ratio |");
            md.AppendLine("|---|---:|---:|---:|---|---:|---:|---|---:|---:|---:|");
            foreach (var x in r.Ratios)
                md.AppendLine($"| {x.Label} | {F(x.Rps, "0")} | {F(x.BaselineRps, "0")} | {F(x.Ratio * 100, "0.#")} % | {x.Note} | {F(x.P99Ms)} | {F(x.BaselineP99Ms)} | " +
                              $"{(x.Met is null ? "—" : x.Met.Value ? "yes" : "**no**")} | {Opt(x.ShopRequestsPerCoreSecond, "0")} | {Opt(x.BaselineRequestsPerCoreSecond, "0")} | " +
                              $"{(x.PerCoreRatio is { } pc ? F(pc * 100, "0.#") + " %" : "—")} |");
            md.AppendLine().AppendLine("Per core-second: requests divided by the CPU time the shop's API process (or the baseline server) used while " +
                                       "they were measured — the comparison the machine's other load disturbs least.");
        }
        if (r.Drain is { } d)
        {
            md.AppendLine().AppendLine("## Drain (accepted reservations → order rows)").AppendLine();
            md.AppendLine($"- {d.Orders:N0} orders; first accept {d.FirstAcceptUtc:HH:mm:ss.fff} → last order row {d.LastOrderUtc:HH:mm:ss.fff} = {F(d.AcceptToLastOrderSeconds, "0.###")} s");
            md.AppendLine($"- **{F(d.OrdersPerSecond, "0")} orders/s** from first accept; {F(d.WriterOrdersPerSecond, "0")} orders/s between the first and the last row written");
            md.AppendLine($"- peak backlog (accepted, not yet written): {d.PeakBacklog:N0}; row times sampled every {F(d.SampleIntervalMs, "0")} ms");
            if (d.OrdersPerWriteSecond is { } busy)
                md.AppendLine($"- writer while busy (shop /metrics): **{F(busy, "0")} orders per second of write time**, {F(d.AverageBatch ?? 0, "0")} orders per batch on average");
        }
        if (r.Challenge is { } pow)
        {
            md.AppendLine().AppendLine($"## Proof-of-work challenge ({pow.Bits} bits)").AppendLine();
            md.AppendLine($"Solved by this CLI for every shopper, on the load generator's cores (so its CPU was not the shop's); " +
                          $"a challenge takes 2^{pow.Bits} = {pow.ExpectedHashesPerChallenge:N0} hashes on average. CPU time: " +
                          (pow.CpuClock == "thread" ? "the solving thread's own CPU clock." : "wall time (no per-thread CPU clock here), an upper bound.")).AppendLine();
            md.AppendLine("| | total | per token | per shopper mean | p50 | p99 | max |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
            md.AppendLine($"| hashes | {pow.TotalHashes:N0} | {F(pow.HashesPerToken, "N0")} | {F(pow.HashesPerShopper.Mean, "N0")} | {F(pow.HashesPerShopper.P50, "N0")} | " +
                          $"{F(pow.HashesPerShopper.P99, "N0")} | {F(pow.HashesPerShopper.Max, "N0")} |");
            md.AppendLine($"| CPU ms | {F(pow.TotalCpuSeconds * 1000, "N0")} | {F(pow.CpuMsPerToken)} | {F(pow.CpuMsPerShopper.Mean)} | {F(pow.CpuMsPerShopper.P50)} | " +
                          $"{F(pow.CpuMsPerShopper.P99)} | {F(pow.CpuMsPerShopper.Max)} |").AppendLine();
            md.AppendLine($"- {pow.Challenges:N0} challenges solved for {pow.Shoppers:N0} shoppers; {pow.Tokens:N0} tokens issued; solver rate **{F(pow.HashesPerCpuSecond, "N0")} hashes per CPU second**");
            md.AppendLine($"- token requests answered 428: {pow.Rejected:N0}; retried with a fresh challenge: {pow.Retries:N0}; refused again: {pow.StillRejected:N0}");
        }
        if (r.Api is { } api)
        {
            md.AppendLine().AppendLine("## The API process (memory and GC)").AppendLine();
            md.AppendLine("| pid | found by | RSS before | peak RSS during the run (sampled) | RSS after | peak RSS since start (VmHWM) | GC pause during the run | gen0 / gen1 / gen2 collections |");
            md.AppendLine("|---|---|---:|---:|---:|---:|---:|---|");
            md.AppendLine($"| {api.Pid?.ToString() ?? "—"} | {api.Found} | {Mib(api.RssBeforeMiB)} | {Mib(api.SampledPeakRssMiB)} | {Mib(api.RssAfterMiB)} | " +
                          $"{Mib(api.PeakRssMiB)} | {(api.GcPauseMs is { } p ? F(p, "0.#") + " ms" : "— (" + api.GcMissing + ")")} | " +
                          $"{(api.GcPauseMs is null ? "—" : $"{api.Gen0Collections} / {api.Gen1Collections} / {api.Gen2Collections}")} |");
        }
        if (r.Checks.Count + r.Thresholds.Count > 0)
        {
            md.AppendLine().AppendLine("## Checks").AppendLine();
            foreach (var c in r.Checks.Concat(r.Thresholds)) md.AppendLine($"- {(c.Passed ? "✔" : "✘ **FAILED**")} {c.Name}: {c.Detail}");
        }
        if (r.Notes.Count > 0)
        {
            md.AppendLine().AppendLine("## Notes").AppendLine();
            foreach (var n in r.Notes) md.AppendLine($"- {n}");
        }
        return md.ToString();
    }

    private static string Mib(double? value) => value is { } v ? F(v, "0") + " MiB" : "—";

    private static string Opt(double? value, string format) => value is { } v ? F(v, format) : "—";

    private static string Codes(Dictionary<string, long> codes) =>
        codes.Count == 0 ? "—" : string.Join(", ", codes.Select(c => $"{c.Key}: {c.Value:N0}"));

    public static string Html(RunReport r)
    {
        var html = new StringBuilder();
        html.Append("""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Mall load test</title>
            <style>body{font:14px system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:12px 0}
            td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}
            .ok{color:#17803d}.bad{color:#c62828;font-weight:bold}svg{background:#fafafa;border:1px solid #ddd;margin:8px 0}
            pre{white-space:pre-wrap}</style></head><body>
            """);
        html.Append($"<h1>{E(r.Scenario)}: {E(r.Description)}</h1>");
        html.Append($"<p>{r.StartedAt:yyyy-MM-dd HH:mm:ss} UTC · {E(r.Target)} · {E(r.LoadModel)} · warm-up {F(r.WarmupSeconds)} s excluded<br>" +
                    $"{r.Machine.Cores} cores, {F(r.Machine.MemoryGiB, "0.#")} GiB, {E(r.Machine.Os)}, {E(r.Machine.Dotnet)}</p>");
        html.Append($"<p class=\"{(r.Passed ? "ok" : "bad")}\">{(r.Passed ? "PASSED" : "FAILED: " + E(string.Join("; ", r.FailureReasons)))}</p>");
        html.Append("<table><tr><th>step</th><th>requests</th><th>req/s</th><th>errors</th><th>min</th><th>p50</th><th>p90</th><th>p95</th><th>p99</th><th>p99.9</th><th>max (ms)</th><th>status codes</th><th>errors by kind</th></tr>");
        foreach (var s in r.Steps.Concat(r.Baselines.Select(b => b.Value with { Name = $"baseline {b.Key}" })))
            html.Append($"<tr><td>{E(s.Name)}</td><td>{s.Requests:N0}</td><td>{F(s.Rps, "0")}</td><td>{s.Failed:N0}</td><td>{F(s.MinMs)}</td><td>{F(s.P50Ms)}</td>" +
                        $"<td>{F(s.P90Ms)}</td><td>{F(s.P95Ms)}</td><td>{F(s.P99Ms)}</td><td>{F(s.P999Ms)}</td><td>{F(s.MaxMs)}</td><td>{E(Codes(s.StatusCodes))}</td><td>{E(Codes(s.Errors))}</td></tr>");
        html.Append("</table>");
        if (r.Ratios.Count > 0)
        {
            html.Append("<h2>Same-run ratios</h2><table><tr><th>comparison</th><th>shop req/s</th><th>baseline req/s</th><th>ratio</th><th>shop p99</th><th>target</th><th>met</th><th>per-core ratio</th></tr>");
            foreach (var x in r.Ratios)
                html.Append($"<tr><td>{E(x.Label)}</td><td>{F(x.Rps, "0")}</td><td>{F(x.BaselineRps, "0")}</td><td>{F(x.Ratio * 100, "0.#")} %</td><td>{F(x.P99Ms)} ms</td>" +
                            $"<td>{E(x.Note)}</td><td class=\"{(x.Met == false ? "bad" : "ok")}\">{(x.Met is null ? "—" : x.Met.Value ? "yes" : "no")}</td>" +
                            $"<td>{(x.PerCoreRatio is { } pc ? F(pc * 100, "0.#") + " %" : "—")}</td></tr>");
            html.Append("</table>");
        }
        var steps = r.Steps.Where(s => s.Timeline.Count > 0).ToList();
        html.Append("<h2>Latency over time (p99 per second, ms)</h2>");
        html.Append(Chart(steps.Select(s => (s.Name, s.Timeline.Select(t => ((double)t.Second, t.P99Ms)).ToList())).ToList(), "ms"));
        html.Append("<h2>Throughput over time (requests per second)</h2>");
        html.Append(Chart(steps.Select(s => (s.Name, s.Timeline.Select(t => ((double)t.Second, (double)t.Requests)).ToList())).ToList(), "req/s"));
        if (r.Drain is { } d)
            html.Append($"<h2>Drain</h2><p>{d.Orders:N0} orders in {F(d.AcceptToLastOrderSeconds, "0.###")} s from the first accept: " +
                        $"<b>{F(d.OrdersPerSecond, "0")} orders/s</b> ({F(d.WriterOrdersPerSecond, "0")} orders/s first → last row)" +
                        (d.OrdersPerWriteSecond is { } busy ? $"; writer while busy: {F(busy, "0")} orders per second of write time, {F(d.AverageBatch ?? 0, "0")} per batch" : "") +
                        $"; peak backlog {d.PeakBacklog:N0} (row times sampled every {F(d.SampleIntervalMs, "0")} ms).</p>");
        if (r.Challenge is { } pow)
        {
            html.Append($"<h2>Proof-of-work challenge ({pow.Bits} bits)</h2><p>Solved by this CLI for every shopper: {pow.Challenges:N0} challenges for " +
                        $"{pow.Shoppers:N0} shoppers, {pow.Tokens:N0} tokens, {F(pow.HashesPerCpuSecond, "N0")} hashes per CPU second " +
                        $"(CPU: {(pow.CpuClock == "thread" ? "thread clock" : "wall time")}); 428: {pow.Rejected:N0}, retried {pow.Retries:N0}, refused again {pow.StillRejected:N0}.</p>");
            html.Append("<table><tr><th></th><th>total</th><th>per token</th><th>per shopper mean</th><th>p50</th><th>p99</th><th>max</th></tr>");
            html.Append($"<tr><td>hashes</td><td>{pow.TotalHashes:N0}</td><td>{F(pow.HashesPerToken, "N0")}</td><td>{F(pow.HashesPerShopper.Mean, "N0")}</td>" +
                        $"<td>{F(pow.HashesPerShopper.P50, "N0")}</td><td>{F(pow.HashesPerShopper.P99, "N0")}</td><td>{F(pow.HashesPerShopper.Max, "N0")}</td></tr>");
            html.Append($"<tr><td>CPU ms</td><td>{F(pow.TotalCpuSeconds * 1000, "N0")}</td><td>{F(pow.CpuMsPerToken)}</td><td>{F(pow.CpuMsPerShopper.Mean)}</td>" +
                        $"<td>{F(pow.CpuMsPerShopper.P50)}</td><td>{F(pow.CpuMsPerShopper.P99)}</td><td>{F(pow.CpuMsPerShopper.Max)}</td></tr></table>");
        }
        if (r.Api is { } api) html.Append($"<h2>The API process</h2><p>{E(api.Describe())}</p>");
        if (r.Checks.Count + r.Thresholds.Count > 0)
        {
            html.Append("<h2>Checks</h2><ul>");
            foreach (var c in r.Checks.Concat(r.Thresholds))
                html.Append($"<li class=\"{(c.Passed ? "ok" : "bad")}\">{(c.Passed ? "✔" : "✘")} {E(c.Name)}: {E(c.Detail)}</li>");
            html.Append("</ul>");
        }
        if (r.Notes.Count > 0) html.Append("<h2>Notes</h2><ul>").Append(string.Concat(r.Notes.Select(n => $"<li>{E(n)}</li>"))).Append("</ul>");
        html.Append("</body></html>");
        return html.ToString();
    }

    private static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];

    /// <summary>A line chart as inline SVG: x = elapsed seconds, one line per series.</summary>
    public static string Chart(IReadOnlyList<(string Name, List<(double X, double Y)> Points)> series, string unit)
    {
        const int width = 860, height = 290, left = 60, right = 150, top = 28, bottom = 32;
        var points = series.SelectMany(s => s.Points).ToList();
        if (points.Count == 0) return "<p>(no data)</p>";
        var maxX = Math.Max(1, points.Max(p => p.X));
        var maxY = NiceCeiling(points.Max(p => p.Y));
        double X(double x) => left + x / maxX * (width - left - right);
        double Y(double y) => height - bottom - y / maxY * (height - top - bottom);
        var svg = new StringBuilder($"<svg width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">");
        for (var i = 0; i <= 4; i++)
        {
            var value = maxY * i / 4;
            svg.Append($"<line x1=\"{left}\" x2=\"{width - right}\" y1=\"{F(Y(value))}\" y2=\"{F(Y(value))}\" stroke=\"#ddd\"/>");
            svg.Append($"<text x=\"{left - 6}\" y=\"{F(Y(value) + 4)}\" font-size=\"11\" text-anchor=\"end\">{F(value, "0.##")}</text>");
        }
        for (var i = 0; i <= 5; i++)
        {
            var value = maxX * i / 5;
            svg.Append($"<text x=\"{F(X(value))}\" y=\"{height - 12}\" font-size=\"11\" text-anchor=\"middle\">{F(value, "0")} s</text>");
        }
        svg.Append($"<text x=\"8\" y=\"14\" font-size=\"11\">{E(unit)}</text>");
        for (var s = 0; s < series.Count; s++)
        {
            var color = Palette[s % Palette.Length];
            var line = string.Join(' ', series[s].Points.OrderBy(p => p.X).Select(p => $"{F(X(p.X))},{F(Y(p.Y))}"));
            svg.Append($"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{line}\"/>");
            svg.Append($"<rect x=\"{width - right + 12}\" y=\"{top + s * 18}\" width=\"12\" height=\"12\" fill=\"{color}\"/>");
            svg.Append($"<text x=\"{width - right + 30}\" y=\"{top + s * 18 + 10}\" font-size=\"12\">{E(series[s].Name)}</text>");
        }
        return svg.Append("</svg>").ToString();
    }

    public static double NiceCeiling(double value)
    {
        if (value <= 0) return 1;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in new[] { 1, 2, 2.5, 5, 10 })
            if (step * magnitude >= value) return step * magnitude;
        return 10 * magnitude;
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
