namespace AdmissionGuard.Sandbox.Api;

/// <summary>The PATCH flavours the API server accepts (by Content-Type).</summary>
public enum PatchType
{
    /// <summary>application/json-patch+json (RFC 6902).</summary>
    Json,

    /// <summary>application/merge-patch+json (RFC 7386).</summary>
    Merge,

    /// <summary>application/strategic-merge-patch+json.</summary>
    StrategicMerge,

    /// <summary>application/apply-patch+yaml: served as a merge of the given fields, creating the object if missing.</summary>
    Apply,
}
