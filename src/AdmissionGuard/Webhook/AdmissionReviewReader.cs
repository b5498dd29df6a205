using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Unicode;
using AdmissionGuard.Json;

namespace AdmissionGuard.Webhook;

/// <summary>
/// Decodes an AdmissionReview in one forward pass into exactly the fields the webhook reads; its
/// <c>request.object</c> is read by <see cref="KubernetesJsonReader.ReadObject"/>, as the caches read pods. A field of
/// the wrong type gets a clear reason instead of an exception: in the request, the review is refused; in the object,
/// only a request the guard decides is (see <see cref="AdmissionRequest.ObjectProblem"/>).
/// </summary>
internal ref struct AdmissionReviewReader
{
    public const string ApiVersion = "admission.k8s.io/v1";
    public const string ReviewKind = "AdmissionReview";

    /// <summary>Values quoted in a reason are cut to this many characters: a reason must stay one short line.</summary>
    private const int QuotedValueLength = 64;

    private KubernetesJsonReader _json;
    private string? _requestProblem;
    private string? _objectProblem;

    private AdmissionReviewReader(ReadOnlySpan<byte> body) => _json = new KubernetesJsonReader(new Utf8JsonReader(body));

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
            var type = KubernetesJsonReader.Describe(_json.TokenType);
            _json.ReadToEnd();
            return $"the body must be a JSON object (an AdmissionReview), not {type}";
        }

        string? apiVersion = null, kind = null;
        AdmissionRequest? body = null;
        var hasRequest = false;
        while (_json.NextProperty())
        {
            if (_json.Is("apiVersion"u8))
            {
                apiVersion = _json.StringOrIgnored();
            }
            else if (_json.Is("kind"u8))
            {
                kind = _json.StringOrIgnored();
            }
            else if (_json.Is("request"u8))
            {
                hasRequest = _json.EnterObject(path: null);
                body = hasRequest ? ReadRequest() : null;
            }
            else
            {
                _json.Skip();
            }
        }

        _json.ReadToEnd();
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
        DecodedObject? reviewed = null;
        while (_json.NextProperty())
        {
            if (_json.Is("uid"u8))
            {
                uid = _json.StringOrIgnored();
            }
            else if (_json.Is("kind"u8))
            {
                hasKind = _json.EnterObject(path: null);
                while (hasKind && _json.NextProperty())
                {
                    if (_json.Is("group"u8))
                    {
                        group = _json.String("request.kind.group");
                    }
                    else if (_json.Is("kind"u8))
                    {
                        kind = _json.String("request.kind.kind");
                    }
                    else
                    {
                        _json.Skip();
                    }
                }
            }
            else if (_json.Is("operation"u8))
            {
                operation = _json.String("request.operation");
            }
            else if (_json.Is("subResource"u8))
            {
                subResource = _json.String("request.subResource");
            }
            else if (_json.Is("namespace"u8))
            {
                ns = _json.String("request.namespace");
            }
            else if (_json.Is("name"u8))
            {
                name = _json.String("request.name");
            }
            else if (_json.Is("dryRun"u8))
            {
                dryRun = _json.Boolean("request.dryRun");
            }
            else if (_json.Is("object"u8))
            {
                _requestProblem ??= _json.TakeProblem();
                reviewed = _json.EnterObject(path: null) ? _json.ReadObject() : null;
                _objectProblem ??= _json.TakeProblem();
            }
            else
            {
                _json.Skip();
            }
        }

        _requestProblem ??= _json.TakeProblem();
        _requestProblem = string.IsNullOrEmpty(uid) ? "request.uid is missing or empty"
            : !hasKind ? "request.kind is missing or not an object"
            : _requestProblem;
        return _requestProblem is not null
            ? null
            : new AdmissionRequest(uid!, group ?? "", kind ?? "", operation ?? "", subResource ?? "", ns ?? "", name ?? "", dryRun == true, reviewed, _objectProblem);
    }

    private static string Quote(string? value) => value switch
    {
        null => "nothing",
        { Length: > QuotedValueLength } => $"'{value[..QuotedValueLength]}...' ({value.Length} characters)",
        _ => $"'{value}'",
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
