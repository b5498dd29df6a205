using System.Text.Json;
using AdmissionGuard.Core;
using AdmissionGuard.Core.Pods;
using AdmissionGuard.Core.Scheduling;

namespace AdmissionGuard.Json;

/// <summary>
/// Reads Kubernetes JSON in one forward pass into exactly the fields AdmissionGuard reads: an admission review's pod
/// (<see cref="Webhook.AdmissionReviewReader"/>) and every pod of a list or watch body (<see cref="Cluster.Informers.DecodedPodConverter"/>)
/// go through the same <see cref="ReadObject"/>, so a pod is never materialized as a <c>V1Pod</c>. Every field is
/// type-checked as it is read: a value of the wrong type reads as absent and is noted (the first one, see
/// <see cref="TakeProblem"/>), so a crafted body gets a clear reason instead of an exception. Null stands for absent,
/// as in the API server's Go decoding; null list items are skipped; of duplicate keys the last wins.
/// </summary>
internal ref struct KubernetesJsonReader(Utf8JsonReader json)
{
    private Utf8JsonReader _json = json;
    private string? _problem;

    // The current property's name, unescaped: every name is compared with a run of wanted names (Is), and a compare
    // through the reader would check its token type, sequence and escaping again for each of them.
    private ReadOnlySpan<byte> _name;

    // True when NextItem has read the current item's first token: the value readers must not read another.
    private bool _itemRead;

    /// <summary>Where the reader stands: hand it back to whoever lent it.</summary>
    public readonly Utf8JsonReader Json => _json;

    public readonly JsonTokenType TokenType => _json.TokenType;

    public readonly long TokenStartIndex => _json.TokenStartIndex;

    public static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        _ => "null",
    };

    /// <summary>The first value of a wrong type since the last call, in one line; null when there was none.</summary>
    public string? TakeProblem()
    {
        var problem = _problem;
        _problem = null;
        return problem;
    }

    public bool Read() => _json.Read();

    /// <summary>
    /// Skips the current value. A converter's reader over a streamed body is never final, and <c>Skip</c> refuses
    /// such a reader even though the serializer has buffered the whole value; <c>TrySkip</c> only fails when it has not.
    /// </summary>
    public void Skip()
    {
        if (!_json.TrySkip())
        {
            throw new JsonException("a value is cut short");
        }
    }

    /// <summary>On the root value or its end: reads past it; the reader throws when anything but whitespace follows.</summary>
    public void ReadToEnd()
    {
        Skip();
        _json.Read();
    }

    /// <summary>Moves to the next property name of the current object; false at its end.</summary>
    public bool NextProperty()
    {
        if (!_json.Read() || _json.TokenType != JsonTokenType.PropertyName)
        {
            return false;
        }

        _name = _json.HasValueSequence || _json.ValueIsEscaped ? UnescapedName() : _json.ValueSpan;
        return true;
    }

    private readonly ReadOnlySpan<byte> UnescapedName()
    {
        var name = new byte[_json.HasValueSequence ? _json.ValueSequence.Length : _json.ValueSpan.Length];
        return name.AsSpan(0, _json.CopyString(name));
    }

    /// <summary>True when the current array has another item; the item is read by the next value read.</summary>
    public bool NextItem()
    {
        // The item's first token is read here to see the array's end, and handed to the next value read: a look-ahead
        // copy of the reader (some 200 bytes, zeroed in every frame that holds one) cost about 20 ns per item.
        _json.Read();
        _itemRead = _json.TokenType != JsonTokenType.EndArray;
        return _itemRead;
    }

    /// <summary>Moves to the next value: an array item's first token, unless <see cref="NextItem"/> already did.</summary>
    private void ReadValue()
    {
        if (_itemRead)
        {
            _itemRead = false;
            return;
        }

        _json.Read();
    }

    public readonly bool Is(ReadOnlySpan<byte> name) => _name.SequenceEqual(name);

    /// <summary>Reads a value: true when it is an object (then read its properties); null and other types are skipped.</summary>
    /// <param name="path">Where, for the problem; null when another type counts as absent.</param>
    public bool EnterObject(string? path) => Enter(JsonTokenType.StartObject, path, "an object");

    public bool EnterArray(string path) => Enter(JsonTokenType.StartArray, path, "an array");

    public string? String(string path)
    {
        ReadValue();
        if (_json.TokenType == JsonTokenType.String)
        {
            return GetString();
        }

        Mismatch(path, "a string");
        Skip();
        return null;
    }

    /// <summary>A string, or null for any other type (for fields whose absence already says what is wrong).</summary>
    public string? StringOrIgnored()
    {
        ReadValue();
        if (_json.TokenType == JsonTokenType.String)
        {
            return GetString();
        }

        Skip();
        return null;
    }

    /// <summary>The current string or property name; a <see cref="KnownValues"/> one without allocating.</summary>
    private readonly string GetString() =>
        !_json.HasValueSequence && !_json.ValueIsEscaped && KnownValues.Find(_json.ValueSpan) is { } known ? known : _json.GetString()!;

    public bool? Boolean(string path)
    {
        ReadValue();
        if (_json.TokenType is JsonTokenType.True or JsonTokenType.False)
        {
            return _json.GetBoolean();
        }

        Mismatch(path, "a boolean");
        Skip();
        return null;
    }

    /// <summary>Reads the properties of a pod (or a Binding) whose <c>{</c> was just read, up to its <c>}</c>.</summary>
    public DecodedObject ReadObject()
    {
        var decoded = new DecodedObject();
        while (NextProperty())
        {
            if (Is("metadata"u8))
            {
                ReadMetadata(decoded);
            }
            else if (Is("spec"u8))
            {
                decoded.HasSpec = EnterObject("spec");
                if (decoded.HasSpec)
                {
                    ReadSpec(decoded);
                }
            }
            else if (Is("status"u8))
            {
                ReadStatus(decoded);
            }
            else if (Is("target"u8))
            {
                var inTarget = EnterObject("target");
                while (inTarget && NextProperty())
                {
                    if (Is("name"u8))
                    {
                        decoded.TargetName = String("target.name");
                    }
                    else
                    {
                        Skip();
                    }
                }
            }
            else
            {
                Skip();
            }
        }

        return decoded;
    }

    private bool Enter(JsonTokenType start, string? path, string expected)
    {
        ReadValue();
        if (_json.TokenType == start)
        {
            return true;
        }

        if (path is not null)
        {
            Mismatch(path, expected);
        }

        Skip();
        return false;
    }

    private long? Integer(string path)
    {
        ReadValue();
        if (_json.TokenType == JsonTokenType.Number && _json.TryGetInt64(out var value))
        {
            return value;
        }

        Mismatch(path, "an integer");
        Skip();
        return null;
    }

    /// <summary>An RFC 3339 time, as the API server writes <c>metav1.Time</c> and <c>metav1.MicroTime</c>.</summary>
    private DateTimeOffset? Timestamp(string path)
    {
        ReadValue();
        if (_json.TokenType == JsonTokenType.String)
        {
            if (_json.TryGetDateTimeOffset(out var time))
            {
                return time.ToUniversalTime();
            }

            _problem ??= $"{path} must be an RFC 3339 time";
            return null;
        }

        Mismatch(path, "an RFC 3339 time");
        Skip();
        return null;
    }

    /// <summary>Whether the next value is the string <paramref name="expected"/>, read without allocating it.</summary>
    private bool StringEquals(string path, ReadOnlySpan<byte> expected)
    {
        ReadValue();
        if (_json.TokenType == JsonTokenType.String)
        {
            return _json.ValueTextEquals(expected);
        }

        Mismatch(path, "a string");
        Skip();
        return false;
    }

    /// <summary>Notes the first value of a wrong type (null is absence, never a mismatch).</summary>
    private void Mismatch(string path, string expected)
    {
        if (_json.TokenType != JsonTokenType.Null)
        {
            _problem ??= $"{path} must be {expected}, not {Describe(_json.TokenType)}";
        }
    }

    private void ReadMetadata(DecodedObject decoded)
    {
        if (!EnterObject("metadata"))
        {
            return;
        }

        while (NextProperty())
        {
            if (Is("name"u8))
            {
                decoded.Name = String("metadata.name");
            }
            else if (Is("generateName"u8))
            {
                decoded.GenerateName = String("metadata.generateName");
            }
            else if (Is("namespace"u8))
            {
                decoded.Namespace = String("metadata.namespace");
            }
            else if (Is("uid"u8))
            {
                decoded.Uid = String("metadata.uid");
            }
            else if (Is("resourceVersion"u8))
            {
                decoded.ResourceVersion = String("metadata.resourceVersion");
            }
            else if (Is("creationTimestamp"u8))
            {
                decoded.CreationTime = Timestamp("metadata.creationTimestamp");
            }
            else if (Is("deletionTimestamp"u8))
            {
                decoded.Terminating = Timestamp("metadata.deletionTimestamp") is not null;
            }
            else if (Is("labels"u8))
            {
                decoded.Labels = ReadLabels();
            }
            else if (Is("annotations"u8))
            {
                decoded.IsMirror = ReadHasMirrorAnnotation();
            }
            else if (Is("ownerReferences"u8))
            {
                decoded.Owner = ReadController();
            }
            else
            {
                Skip();
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
            var key = GetString();
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
            Skip();
        }

        return mirror;
    }

    /// <summary>The first ownerReference with <c>controller: true</c>.</summary>
    private PodOwner? ReadController()
    {
        const string Path = "metadata.ownerReferences";
        if (!EnterArray(Path))
        {
            return null;
        }

        PodOwner? controller = null;
        while (NextItem())
        {
            if (!EnterObject(Path + "[*]"))
            {
                continue;
            }

            string? kind = null, name = null, uid = null;
            var isController = false;
            while (NextProperty())
            {
                if (Is("kind"u8))
                {
                    kind = String(Path + "[*].kind");
                }
                else if (Is("name"u8))
                {
                    name = String(Path + "[*].name");
                }
                else if (Is("uid"u8))
                {
                    uid = String(Path + "[*].uid");
                }
                else if (Is("controller"u8))
                {
                    isController = Boolean(Path + "[*].controller") == true;
                }
                else
                {
                    Skip();
                }
            }

            if (isController && controller is null)
            {
                controller = new PodOwner(kind ?? "", name ?? "", uid ?? "");
            }
        }

        return controller;
    }

    private void ReadSpec(DecodedObject decoded)
    {
        while (NextProperty())
        {
            if (Is("nodeName"u8))
            {
                decoded.NodeName = String("spec.nodeName");
            }
            else if (Is("hostNetwork"u8))
            {
                decoded.HostNetwork = Boolean("spec.hostNetwork") == true;
            }
            else if (Is("tolerations"u8))
            {
                decoded.Tolerations = ReadTolerations();
            }
            else if (Is("schedulingGates"u8))
            {
                decoded.SchedulingGates = ReadSchedulingGates();
            }
            else if (Is("affinity"u8))
            {
                decoded.RequiredTerms = ReadRequiredTerms();
            }
            else
            {
                Skip();
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
                    Skip();
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
                    Skip();
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
                Skip();
                continue;
            }

            var inNodeAffinity = EnterObject("spec.affinity.nodeAffinity");
            while (inNodeAffinity && NextProperty())
            {
                if (!Is("requiredDuringSchedulingIgnoredDuringExecution"u8))
                {
                    Skip();
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
                        Skip();
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
                    ReadMatchFields(fields);
                }
                else
                {
                    Skip();
                }
            }

            terms.Add(fields);
        }

        return terms;
    }

    private void ReadMatchFields(List<FieldRequirement> fields)
    {
        // Constant paths: they only name a field in an error, so they must cost nothing per pod.
        const string Path = "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[*].matchFields";
        fields.Clear();
        if (!EnterArray(Path))
        {
            return;
        }

        while (NextItem())
        {
            if (!EnterObject(Path + "[*]"))
            {
                continue;
            }

            string? key = null, op = null;
            List<string> values = [];
            while (NextProperty())
            {
                if (Is("key"u8))
                {
                    key = String(Path + "[*].key");
                }
                else if (Is("operator"u8))
                {
                    op = String(Path + "[*].operator");
                }
                else if (Is("values"u8))
                {
                    values = ReadStrings(Path + "[*].values", Path + "[*].values[*]");
                }
                else
                {
                    Skip();
                }
            }

            fields.Add(new FieldRequirement(key ?? "", op ?? "", values));
        }
    }

    private List<string> ReadStrings(string path, string itemPath)
    {
        List<string> values = [];
        if (!EnterArray(path))
        {
            return values;
        }

        while (NextItem())
        {
            if (String(itemPath) is { } value)
            {
                values.Add(value);
            }
        }

        return values;
    }

    private void ReadStatus(DecodedObject decoded)
    {
        var inStatus = EnterObject("status");
        while (inStatus && NextProperty())
        {
            if (Is("phase"u8))
            {
                decoded.Phase = String("status.phase");
            }
            else if (Is("startTime"u8))
            {
                decoded.StartTime = Timestamp("status.startTime");
            }
            else if (Is("conditions"u8))
            {
                decoded.Ready = ReadReady();
            }
            else
            {
                Skip();
            }
        }
    }

    private bool ReadReady()
    {
        const string Path = "status.conditions";
        var ready = false;
        if (!EnterArray(Path))
        {
            return false;
        }

        while (NextItem())
        {
            if (!EnterObject(Path + "[*]"))
            {
                continue;
            }

            bool isReady = false, isTrue = false;
            while (NextProperty())
            {
                if (Is("type"u8))
                {
                    isReady = StringEquals(Path + "[*].type", "Ready"u8);
                }
                else if (Is("status"u8))
                {
                    isTrue = StringEquals(Path + "[*].status", "True"u8);
                }
                else
                {
                    Skip();
                }
            }

            ready |= isReady && isTrue;
        }

        return ready;
    }
}
