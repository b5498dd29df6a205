namespace AdmissionGuard.Sandbox.Protobuf;

/// <summary>How a field's value is written in JSON.</summary>
internal enum FieldKind
{
    String,

    /// <summary>Bytes, as base64 in JSON (Secret data, ConfigMap binaryData).</summary>
    Bytes,
    Int32,
    Int64,
    Bool,

    /// <summary>A nested message, named by <see cref="ProtoField.Message"/>.</summary>
    Message,
}

/// <summary>
/// One field of a k8s.io/api message: its number in generated.proto, its JSON name and kind.
/// </summary>
/// <param name="Repeated">A list in JSON.</param>
/// <param name="MapValue">Set for a map (key=1 string, value=2 of this kind; a message value names <see cref="Message"/>).</param>
/// <param name="KeepZero">
/// A pointer field in Go: present on the wire only when set, so a zero value means zero. Other scalars are always
/// on the wire and their zero value is what JSON's <c>omitempty</c> leaves out.
/// </param>
/// <param name="Inline">An embedded Go struct (<c>json:",inline"</c>): its fields belong to the enclosing JSON object.</param>
internal sealed record ProtoField(
    int Number, string JsonName, FieldKind Kind, string? Message = null, bool Repeated = false, FieldKind? MapValue = null, bool KeepZero = false, bool Inline = false);
