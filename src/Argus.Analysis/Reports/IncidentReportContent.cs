namespace Argus.Analysis.Reports;

/// <summary>
/// An incident report in four sections. The same shape is asked of an LLM (JSON, see
/// the <c>alert-analyzer</c> role's schema <c>incident_report_format</c>) and written by <see cref="IncidentReportWriter"/> when there is none.
/// </summary>
/// <param name="Summary">What happened, in one to three sentences.</param>
/// <param name="Transaction">The transaction that was analysed: endpoint, service, time, counts.</param>
/// <param name="ProfileAnalysis">At most <see cref="IncidentReportFormat.MaxPoints"/> points: where the time went or what failed.</param>
/// <param name="ActionPlan">At most <see cref="IncidentReportFormat.MaxPoints"/> concrete steps.</param>
/// <param name="OperatingNormally">True when nothing significant was found.</param>
public sealed record IncidentReportContent(
    string Summary,
    string Transaction,
    IReadOnlyList<string> ProfileAnalysis,
    IReadOnlyList<string> ActionPlan,
    bool OperatingNormally);
