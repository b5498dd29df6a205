using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Unicode;
using AdmissionGuard.Core;
using AdmissionGuard.Core.Pods;
using AdmissionGuard.Core.Scheduling;

namespace AdmissionGuard.Webhook;

/// <summary>
/// Decodes an AdmissionReview in one forward pass into exactly the fields the webhook reads (a pod is never
/// materialized as a <c>V1Pod</c>). Every field is type-checked as it is read, so a crafted body gets a clear
/// reason instead of an exception. Null stands for absent, as in the apiserver's Go decoding; null list items are
/// skipped; of duplicate keys the last wins.
/// </summary>
internal ref struct AdmissionReviewReader
{
    public const string ApiVersion = "admission.k8s.io/v1";
    public const string ReviewKind = "AdmissionReview";

    /// <summary>Values quoted in a reason are cut to this many characters: a reason must stay one short line.</summary>
    private const int QuotedValueLength = 64;

    private Utf8JsonReader _json;
    private string? _requestProblem;
    private string? _objectProblem;
    private bool _readingObject;

    private AdmissionReviewReader(ReadOnlySpan<byte> body) => _json = new Utf8JsonReader(body);

    /// <param name="body">The whole request body.</param>
    /// <param name="request">The decoded request.</param>
    /// <param name="problem">What is wrong with the body, in one line, for a 400.</param>
    public static bool TryRead(ReadOnlySpan<byte> body, [NotNullWhen(true)] out AdmissionRequest? request, [NotNullWhen(false)] out string? problem)
    {
        request = null;
        if (!Utf8.IsValid(body))
        {
            problem = $"the body is not valid UTF-8 (JSON must be): an invalid byte sequence at byte {InvalidUtf8Offset(body)}";
            return false;
        }

        var reader = new AdmissionReviewReader(body);
        try
        {
            problem = reader.ReadReview(out request);
        }
        catch (JsonException e)
        {
            problem = $"the body is not valid JSON: {e.Message}";
        }
        catch (InvalidOperationException)
        {
            // Only GetString throws it here, on an escaped lone surrogate ("\ud800"): valid JSON, but no text.
            problem = $"a string at byte {reader._json.TokenStartIndex} is not valid Unicode (an escaped lone surrogate)";
        }

        return problem is null;
    }

    private string? ReadReview(out AdmissionRequest? request)
    {
        request = null;
        _json.Read();
        if (_json.TokenType != JsonTokenType.StartObject)
        {
            var type = Describe(_json.TokenType);
            ReadToEnd();
            return $"the body must be a JSON object (an AdmissionReview), not {type}";
        }

        string? apiVersion = null, kind = null;
        AdmissionRequest? body = null;
        var hasRequest = false;
        while (NextProperty())
        {
            if (Is("apiVersion"u8))
            {
                apiVersion = StringOrIgnored();
            }
            else if (Is("kind"u8))
            {
                kind = StringOrIgnored();
            }
            else if (Is("request"u8))
            {
                hasRequest = EnterObject(path: null);
                body = hasRequest ? ReadRequest() : null;
            }
            else
            {
                _json.Skip();
            }
        }

        ReadToEnd();
        if (apiVersion != ApiVersion)
        {
            return $"apiVersion must be {ApiVersion}, got {Quote(apiVersion)}";
        }

        if (kind != ReviewKind)
        {
            return $"kind must be {ReviewKind}, got {Quote(kind)}";
        }

        if (body is null)
        {
            return hasRequest ? _requestProblem : "request is missing or not an object";
        }

        request = body;
        return null;
    }

    private AdmissionRequest? ReadRequest()
    {
        string? uid = null, group = null, kind = null, operation = null, subResource = null, ns = null, name = null;
        bool? dryRun = null;
        var hasKind = false;
        ReviewedObject? reviewed = null;
        while (NextProperty())
        {
            if (Is("uid"u8))
            {
                uid = StringOrIgnored();
            }
            else if (Is("kind"u8))
            {
                hasKind = EnterObject(path: null);
                while (hasKind && NextProperty())
                {
                    if (Is("group"u8))
                    {
                        group = String("request.kind.group");
                    }
                    else if (Is("kind"u8))
                    {
                        kind = String("request.kind.kind");
                    }
                    else
                    {
                        _json.Skip();
                    }
                }
            }
            else if (Is("operation"u8))
            {
                operation = String("request.operation");
            }
            else if (Is("subResource"u8))
            {
                subResource = String("request.subResource");
            }
            else if (Is("namespace"u8))
            {
                ns = String("request.namespace");
            }
            else if (Is("name"u8))
            {
                name = String("request.name");
            }
            else if (Is("dryRun"u8))
            {
                dryRun = Boolean("request.dryRun");
            }
            else if (Is("object"u8))
            {
                reviewed = EnterObject(path: null) ? ReadObject() : null;
            }
            else
            {
                _json.Skip();
            }
        }

        _requestProblem = string.IsNullOrEmpty(uid) ? "request.uid is missing or empty"
            : !hasKind ? "request.kind is missing or not an object"
            : _requestProblem;
        return _requestProblem is not null
            ? null
            : new AdmissionRequest(uid!, group ?? "", kind ?? "", operation ?? "", subResource ?? "", ns ?? "", name ?? "", dryRun == true, reviewed, _objectProblem);
    }

    private ReviewedObject ReadObject()
    {
        _readingObject = true;
        var reviewed = new ReviewedObject();
        while (NextProperty())
        {
            if (Is("metadata"u8))
            {
                ReadMetadata(reviewed);
            }
            else if (Is("spec"u8))
            {
                reviewed.HasSpec = EnterObject("spec");
                if (reviewed.HasSpec)
                {
                    ReadSpec(reviewed);
                }
            }
            else if (Is("target"u8))
            {
                var inTarget = EnterObject("target");
                while (inTarget && NextProperty())
                {
                    if (Is("name"u8))
                    {
                        reviewed.TargetName = String("target.name");
                    }
                    else
                    {
                        _json.Skip();
                    }
                }
            }
            else
            {
                _json.Skip();
            }
        }

        _readingObject = false;
        return reviewed;
    }

    private void ReadMetadata(ReviewedObject reviewed)
    {
        if (!EnterObject("metadata"))
        {
            return;
        }

        while (NextProperty())
        {
            if (Is("name"u8))
            {
                reviewed.Name = String("metadata.name");
            }
            else if (Is("generateName"u8))
            {
                reviewed.GenerateName = String("metadata.generateName");
            }
            else if (Is("namespace"u8))
            {
                reviewed.Namespace = String("metadata.namespace");
            }
            else if (Is("uid"u8))
            {
                reviewed.Uid = String("metadata.uid");
            }
            else if (Is("labels"u8))
            {
                reviewed.Labels = ReadLabels();
            }
            else if (Is("annotations"u8))
            {
                reviewed.IsMirror = ReadHasMirrorAnnotation();
            }
            else
            {
                _json.Skip();
            }
        }
    }

    private Dictionary<string, string>? ReadLabels()
    {
        if (!EnterObject("metadata.labels"))
        {
            return null;
        }

        var labels = new Dictionary<string, string>();
        while (NextProperty())
        {
            var key = _json.GetString()!;
            if (String("metadata.labels") is { } value)
            {
                labels[key] = value;
            }
        }

        return labels;
    }

    private bool ReadHasMirrorAnnotation()
    {
        var mirror = false;
        var entered = EnterObject("metadata.annotations");
        while (entered && NextProperty())
        {
            mirror |= _json.ValueTextEquals(WellKnown.MirrorPodAnnotation);
            _json.Skip();
        }

        return mirror;
    }

    private void ReadSpec(ReviewedObject reviewed)
    {
        while (NextProperty())
        {
            if (Is("nodeName"u8))
            {
                reviewed.NodeName = String("spec.nodeName");
            }
            else if (Is("hostNetwork"u8))
            {
                reviewed.HostNetwork = Boolean("spec.hostNetwork") == true;
            }
            else if (Is("tolerations"u8))
            {
                reviewed.Tolerations = ReadTolerations();
            }
            else if (Is("schedulingGates"u8))
            {
                reviewed.SchedulingGates = ReadSchedulingGates();
            }
            else if (Is("affinity"u8))
            {
                reviewed.RequiredTerms = ReadRequiredTerms();
            }
            else
            {
                _json.Skip();
            }
        }
    }

    private List<Toleration>? ReadTolerations()
    {
        if (!EnterArray("spec.tolerations"))
        {
            return null;
        }

        var tolerations = new List<Toleration>();
        while (NextItem())
        {
            if (!EnterObject("spec.tolerations[*]"))
            {
                continue;
            }

            string? key = null, op = null, value = null, effect = null;
            long? seconds = null;
            while (NextProperty())
            {
                if (Is("key"u8))
                {
                    key = String("spec.tolerations[*].key");
                }
                else if (Is("operator"u8))
                {
                    op = String("spec.tolerations[*].operator");
                }
                else if (Is("value"u8))
                {
                    value = String("spec.tolerations[*].value");
                }
                else if (Is("effect"u8))
                {
                    effect = String("spec.tolerations[*].effect");
                }
                else if (Is("tolerationSeconds"u8))
                {
                    seconds = Integer("spec.tolerations[*].tolerationSeconds");
                }
                else
                {
                    _json.Skip();
                }
            }

            tolerations.Add(new Toleration(key ?? "", op ?? "", value ?? "", effect ?? "", seconds));
        }

        return tolerations;
    }

    private List<string>? ReadSchedulingGates()
    {
        if (!EnterArray("spec.schedulingGates"))
        {
            return null;
        }

        var gates = new List<string>();
        while (NextItem())
        {
            var entered = EnterObject("spec.schedulingGates[*]");
            while (entered && NextProperty())
            {
                if (!Is("name"u8))
                {
                    _json.Skip();
                }
                else if (String("spec.schedulingGates[*].name") is { } name)
                {
                    gates.Add(name);
                }
            }
        }

        return gates;
    }

    // spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[*].matchFields[*]
    private List<IReadOnlyList<FieldRequirement>>? ReadRequiredTerms()
    {
        List<IReadOnlyList<FieldRequirement>>? terms = null;
        var inAffinity = EnterObject("spec.affinity");
        while (inAffinity && NextProperty())
        {
            if (!Is("nodeAffinity"u8))
            {
                _json.Skip();
                continue;
            }

            var inNodeAffinity = EnterObject("spec.affinity.nodeAffinity");
            while (inNodeAffinity && NextProperty())
            {
                if (!Is("requiredDuringSchedulingIgnoredDuringExecution"u8))
                {
                    _json.Skip();
                    continue;
                }

                var inRequired = EnterObject("spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution");
                while (inRequired && NextProperty())
                {
                    if (Is("nodeSelectorTerms"u8))
                    {
                        terms = ReadTerms();
                    }
                    else
                    {
                        _json.Skip();
                    }
                }
            }
        }

        return terms;
    }

    private List<IReadOnlyList<FieldRequirement>>? ReadTerms()
    {
        const string Path = "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms";
        if (!EnterArray(Path))
        {
            return null;
        }

        var terms = new List<IReadOnlyList<FieldRequirement>>();
        while (NextItem())
        {
            if (!EnterObject(Path + "[*]"))
            {
                continue;
            }

            var fields = new List<FieldRequirement>();
            while (NextProperty())
            {
                if (Is("matchFields"u8))
                {
                    ReadMatchFields(Path + "[*].matchFields", fields);
                }
                else
                {
                    _json.Skip();
                }
            }

            terms.Add(fields);
        }

        return terms;
    }

    private void ReadMatchFields(string path, List<FieldRequirement> fields)
    {
        fields.Clear();
        if (!EnterArray(path))
        {
            return;
        }

        while (NextItem())
        {
            if (!EnterObject(path + "[*]"))
            {
                continue;
            }

            string? key = null, op = null;
            List<string> values = [];
            while (NextProperty())
            {
                if (Is("key"u8))
                {
                    key = String(path + "[*].key");
                }
                else if (Is("operator"u8))
                {
                    op = String(path + "[*].operator");
                }
                else if (Is("values"u8))
                {
                    values = ReadStrings(path + "[*].values");
                }
                else
                {
                    _json.Skip();
                }
            }

            fields.Add(new FieldRequirement(key ?? "", op ?? "", values));
        }
    }

    private List<string> ReadStrings(string path)
    {
        List<string> values = [];
        if (!EnterArray(path))
        {
            return values;
        }

        while (NextItem())
        {
            if (String(path + "[*]") is { } value)
            {
                values.Add(value);
            }
        }

        return values;
    }

    /// <summary>On the root value or its end: reads past it; the reader throws when anything but whitespace follows.</summary>
    private void ReadToEnd()
    {
        _json.Skip();
        _json.Read();
    }

    /// <summary>Moves to the next property name of the current object; false at its end.</summary>
    private bool NextProperty() => _json.Read() && _json.TokenType == JsonTokenType.PropertyName;

    /// <summary>True when the current array has another item; the item is read by the next value read.</summary>
    private bool NextItem()
    {
        var peek = _json;
        peek.Read();
        if (peek.TokenType != JsonTokenType.EndArray)
        {
            return true;
        }

        _json = peek;
        return false;
    }

    private readonly bool Is(ReadOnlySpan<byte> name) => _json.ValueTextEquals(name);

    /// <summary>Reads a value: true when it is an object (then read its properties); null and other types are skipped.</summary>
    /// <param name="path">Where, for the reason; null when another type counts as absent.</param>
    private bool EnterObject(string? path) => Enter(JsonTokenType.StartObject, path, "an object");

    private bool EnterArray(string path) => Enter(JsonTokenType.StartArray, path, "an array");

    private bool Enter(JsonTokenType start, string? path, string expected)
    {
        _json.Read();
        if (_json.TokenType == start)
        {
            return true;
        }

        if (path is not null)
        {
            Mismatch(path, expected);
        }

        _json.Skip();
        return false;
    }

    private string? String(string path)
    {
        _json.Read();
        if (_json.TokenType == JsonTokenType.String)
        {
            return _json.GetString();
        }

        Mismatch(path, "a string");
        _json.Skip();
        return null;
    }

    /// <summary>A string, or null for any other type (for fields whose absence already says what is wrong).</summary>
    private string? StringOrIgnored()
    {
        _json.Read();
        if (_json.TokenType == JsonTokenType.String)
        {
            return _json.GetString();
        }

        _json.Skip();
        return null;
    }

    private bool? Boolean(string path)
    {
        _json.Read();
        if (_json.TokenType is JsonTokenType.True or JsonTokenType.False)
        {
            return _json.GetBoolean();
        }

        Mismatch(path, "a boolean");
        _json.Skip();
        return null;
    }

    private long? Integer(string path)
    {
        _json.Read();
        if (_json.TokenType == JsonTokenType.Number && _json.TryGetInt64(out var value))
        {
            return value;
        }

        Mismatch(path, "an integer");
        _json.Skip();
        return null;
    }

    /// <summary>Notes the first value of a wrong type (null is absence, never a mismatch).</summary>
    private void Mismatch(string path, string expected)
    {
        if (_json.TokenType == JsonTokenType.Null)
        {
            return;
        }

        var problem = $"{path} must be {expected}, not {Describe(_json.TokenType)}";
        if (_readingObject)
        {
            _objectProblem ??= problem;
        }
        else
        {
            _requestProblem ??= problem;
        }
    }

    private static string Quote(string? value) => value switch
    {
        null => "nothing",
        { Length: > QuotedValueLength } => $"'{value[..QuotedValueLength]}...' ({value.Length} characters)",
        _ => $"'{value}'",
    };

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        _ => "null",
    };

    private static int InvalidUtf8Offset(ReadOnlySpan<byte> body)
    {
        var offset = 0;
        while (offset < body.Length && System.Text.Rune.DecodeFromUtf8(body[offset..], out _, out var consumed) == System.Buffers.OperationStatus.Done)
        {
            offset += consumed;
        }

        return offset;
    }
}
