using System.Globalization;

namespace AdmissionGuard.Core.Healing;

/// <summary>
/// How many restarts one controller may have in flight (<c>Reconciler:Concurrency</c>): <c>OwnerBudget</c> (what the
/// controller's own rolling update allows, see <see cref="RolloutAllowance"/>), <c>One</c>, or a fixed number.
/// </summary>
public sealed record RestartConcurrency
{
    private RestartConcurrency(int? fixedAllowance) => Fixed = fixedAllowance;

    public static RestartConcurrency OwnerBudget { get; } = new((int?)null);

    public static RestartConcurrency One { get; } = new(1);

    /// <summary>The fixed allowance per controller; null for <see cref="OwnerBudget"/>.</summary>
    public int? Fixed { get; }

    public static RestartConcurrency Of(int allowance) =>
        allowance >= 1 ? new RestartConcurrency(allowance) : throw new ArgumentOutOfRangeException(nameof(allowance), allowance, "must be at least 1");

    /// <summary>Parses <c>OwnerBudget</c>, <c>One</c> (any case) or a whole number from 1.</summary>
    public static bool TryParse(string? text, out RestartConcurrency concurrency)
    {
        concurrency = OwnerBudget;
        if (string.Equals(text, "OwnerBudget", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (string.Equals(text, "One", StringComparison.OrdinalIgnoreCase))
        {
            concurrency = One;
            return true;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1)
        {
            concurrency = Of(number);
            return true;
        }

        return false;
    }

    /// <summary>The allowance of the pod's controller.</summary>
    /// <param name="owner">The pod's controller reference.</param>
    /// <param name="owners">Known controllers by UID (a ReplicaSet's Deployment is looked up through it).</param>
    public int For(Pods.PodOwner owner, IReadOnlyDictionary<string, WorkloadOwner> owners) =>
        Fixed ?? RolloutAllowance.For(owner, owners);

    public override string ToString() => Fixed switch
    {
        null => "OwnerBudget",
        1 => "One",
        var n => n.Value.ToString(CultureInfo.InvariantCulture),
    };
}
