using System.Collections.Concurrent;

namespace AdmissionGuard.Sandbox.Admission;

/// <summary>
/// What kube-apiserver counts in <c>apiserver_admission_match_condition_evaluation_errors_total{name,type}</c>: webhook
/// calls skipped because a matchCondition failed to evaluate under <c>failurePolicy: Ignore</c>. <c>type</c> is
/// <c>admit</c> for mutating and <c>validating</c> for validating webhooks.
/// </summary>
public sealed class AdmissionMetrics
{
    private readonly ConcurrentDictionary<(string Webhook, string Type), long> _matchConditionErrors = new();

    /// <summary>Every count so far, by webhook name and type.</summary>
    public IReadOnlyDictionary<(string Webhook, string Type), long> MatchConditionEvaluationErrors =>
        new Dictionary<(string, string), long>(_matchConditionErrors);

    public long MatchConditionEvaluationErrorsFor(string webhook, string type) =>
        _matchConditionErrors.TryGetValue((webhook, type), out var count) ? count : 0;

    internal void CountMatchConditionError(string webhook, bool mutating) =>
        _matchConditionErrors.AddOrUpdate((webhook, mutating ? "admit" : "validating"), 1, (_, count) => count + 1);
}
