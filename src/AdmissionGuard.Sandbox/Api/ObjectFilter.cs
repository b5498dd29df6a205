using AdmissionGuard.Sandbox.Labels;
using AdmissionGuard.Sandbox.Store;

namespace AdmissionGuard.Sandbox.Api;

/// <summary>Turns a namespace, a label selector and a field selector into one predicate on stored objects.</summary>
internal static class ObjectFilter
{
    /// <exception cref="ApiException">400 for a bad label selector or an unsupported field.</exception>
    public static Func<StoredObject, bool> Build(ResourceType type, string? objectNamespace, string? labelSelector, string? fieldSelector)
    {
        if (!LabelSelector.TryParse(labelSelector, out var labels, out var error))
        {
            throw new ApiException(ApiErrors.BadRequest(error));
        }

        var fields = ParseFields(type, fieldSelector);
        var scope = type.Namespaced && !string.IsNullOrEmpty(objectNamespace) ? objectNamespace : null;
        return stored =>
            (scope is null || stored.Namespace == scope)
            && (labels.IsEverything || labels.Matches(stored.Labels))
            && fields.TrueForAll(f => f.Matches(stored.Fields));
    }

    private static List<FieldRequirement> ParseFields(ResourceType type, string? fieldSelector)
    {
        var requirements = new List<FieldRequirement>();
        if (string.IsNullOrWhiteSpace(fieldSelector))
        {
            return requirements;
        }

        var supported = ObjectFields.SupportedFields(type);
        foreach (var term in fieldSelector.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var (field, value, negated) = term.Split("!=", 2) is [var f, var v]
                ? (f, v, true)
                : term.Split("==", 2) is [var f2, var v2]
                    ? (f2, v2, false)
                    : term.Split('=', 2) is [var f3, var v3]
                        ? (f3, v3, false)
                        : throw new ApiException(ApiErrors.BadRequest($"invalid field selector: '{term}': expected an operator (=, ==, !=)"));
            field = field.Trim();
            if (!supported.Contains(field))
            {
                throw new ApiException(ApiErrors.BadRequest($"field label not supported: {field}"));
            }

            requirements.Add(new FieldRequirement(field, value.Trim(), negated));
        }

        return requirements;
    }

    private sealed record FieldRequirement(string Field, string Value, bool Negated)
    {
        public bool Matches(IReadOnlyDictionary<string, string> fields) =>
            (fields.TryGetValue(Field, out var actual) ? actual : "") == Value != Negated;
    }
}
