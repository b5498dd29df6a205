using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using AdmissionGuard.Commands;
using AdmissionGuard.Sandbox.Faults;

namespace AdmissionGuard.Playground.Commands;

/// <summary>
/// The <c>sandbox</c> command's fault options: an unhealthy API server on demand (errors per verb and status, latency,
/// dropped watches, forced 410 Expired), applied once the guard is ready and, unless <c>--fault-everyone</c>, only to
/// the guard's own requests, so that kubectl keeps working to watch it ride them out.
/// </summary>
internal sealed class SandboxFaults
{
    private static readonly string[] Verbs = ["get", "list", "watch", "create", "update", "patch", "delete", "*"];

    private readonly Option<List<ErrorRule>> _errors = new("--fault-error")
    {
        Description = "fail a share of the guard's requests with one verb: VERB=RATE[:STATUS], e.g. list=0.3 or watch=1:503; " +
            $"verbs {string.Join(", ", Verbs)}; rate 0 to 1; status {string.Join(", ", FaultInjection.ErrorStatusCodes)} (default 500); repeatable",
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.ZeroOrMore,
        CustomParser = ParseErrors,
        DefaultValueFactory = _ => [],
    };

    private readonly Option<TimeSpan?> _latency = new("--fault-latency")
    {
        Description = "delay every request of the guard by this much before it is served, e.g. 200ms or 2s",
        CustomParser = DurationArgument.Parse,
    };

    private readonly Option<TimeSpan?> _watchDrop = new("--fault-watch-drop")
    {
        Description = "end each of the guard's watch streams this long after it opened, as a flaky connection does, e.g. 10s or 1m",
        CustomParser = DurationArgument.Parse,
    };

    private readonly Option<bool> _watchExpired = new("--fault-watch-expired")
    {
        Description = "answer every new watch of the guard with 410 Expired (resourceVersion too old), so its caches keep relisting",
    };

    private readonly Option<bool> _everyone = new("--fault-everyone")
    {
        Description = "apply the faults to every client, kubectl included, not only to the guard",
    };

    public IEnumerable<Option> Options => [_errors, _latency, _watchDrop, _watchExpired, _everyone];

    /// <summary>What the options ask for, or null when none is given.</summary>
    public FaultPlan? Read(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var plan = new FaultPlan(
            parseResult.GetValue(_errors) ?? [],
            parseResult.GetValue(_latency),
            parseResult.GetValue(_watchDrop),
            parseResult.GetValue(_watchExpired),
            parseResult.GetValue(_everyone));
        return plan.Errors.Count > 0 || plan.Latency is not null || plan.WatchDrop is not null || plan.WatchExpired ? plan : null;
    }

    private static List<ErrorRule> ParseErrors(ArgumentResult result)
    {
        var rules = new List<ErrorRule>();
        foreach (var token in result.Tokens.Select(t => t.Value))
        {
            if (ParseError(token) is { } rule)
            {
                rules.Add(rule);
            }
            else
            {
                result.AddError($"--fault-error: '{token}' is not VERB=RATE[:STATUS] with a verb of {string.Join(", ", Verbs)}, " +
                    $"a rate from 0 to 1 and a status of {string.Join(", ", FaultInjection.ErrorStatusCodes)} (e.g. list=0.3 or watch=1:503)");
            }
        }

        return rules;
    }

    private static ErrorRule? ParseError(string text)
    {
        var (verb, rest) = text.Split('=', 2) is [var v, var r] ? (v, r) : ("", "");
        var (rateText, statusText) = rest.Split(':', 2) is [var rt, var st] ? (rt, st) : (rest, null);
        int? status = null;
        if (statusText is not null)
        {
            if (!int.TryParse(statusText, NumberStyles.None, CultureInfo.InvariantCulture, out var code) || !FaultInjection.ErrorStatusCodes.Contains(code))
            {
                return null;
            }

            status = code;
        }

        return Verbs.Contains(verb)
            && double.TryParse(rateText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var rate) && rate is >= 0 and <= 1
            ? new ErrorRule(verb, rate, status)
            : null;
    }
}
