namespace AdmissionGuard.Sandbox.Api;

/// <summary>Query of a list: selectors in their string forms, paging.</summary>
public sealed record ListOptions
{
    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }

    /// <summary>Page size; 0 or null means everything.</summary>
    public int? Limit { get; init; }

    /// <summary>The continue token of the previous page.</summary>
    public string? Continue { get; init; }
}
