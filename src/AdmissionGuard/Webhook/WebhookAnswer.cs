using System.Text.Json;
using AdmissionGuard.Core.Admission;

namespace AdmissionGuard.Webhook;

/// <summary>
/// What the webhook answers one request with, and the labels it is counted and logged under: either an
/// AdmissionReview response (<see cref="ReviewAnswer"/>) or a refusal to read the request (<see cref="RejectedAnswer"/>).
/// </summary>
/// <param name="Operation">The metric's <c>operation</c> label (<see cref="Operations"/>).</param>
/// <param name="Decision">The metric's <c>decision</c> label.</param>
internal abstract record WebhookAnswer(string Operation, string Decision)
{
    public abstract int StatusCode { get; }

    public abstract string ContentType { get; }

    public abstract void Write(Utf8JsonWriter json);
}

/// <summary>An AdmissionReview response carrying <paramref name="Share"/>, the webhook's share of a decision.</summary>
/// <param name="Patch">Where the gate goes when <see cref="AdmissionDecision.AddGate"/>; null: no patch.</param>
internal sealed record ReviewAnswer(string Operation, string Decision, string Uid, AdmissionDecision Share, GatePatch.Shape? Patch = null)
    : WebhookAnswer(Operation, Decision)
{
    public ReviewAnswer(string operation, string uid, AdmissionDecision share, GatePatch.Shape? patch = null)
        : this(operation, share.Outcome.ToLabelValue(), uid, share, share.AddGate ? patch : null)
    {
    }

    public override int StatusCode => StatusCodes.Status200OK;

    public override string ContentType => "application/json";

    public override void Write(Utf8JsonWriter json)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WriteStartObject();
        json.WriteString("apiVersion"u8, AdmissionReviewReader.ApiVersion);
        json.WriteString("kind"u8, AdmissionReviewReader.ReviewKind);
        json.WriteStartObject("response"u8);
        json.WriteString("uid"u8, Uid);
        json.WriteBoolean("allowed"u8, Share.Allowed);
        if (Share.DenialMessage is { } message)
        {
            json.WriteStartObject("status"u8);
            json.WriteNumber("code"u8, StatusCodes.Status403Forbidden);
            json.WriteString("message"u8, message);
            json.WriteString("reason"u8, "Forbidden"u8);
            json.WriteEndObject();
        }

        if (Patch is { } shape)
        {
            json.WritePropertyName("patch"u8);
            json.WriteRawValue(GatePatch.JsonStringFor(shape), skipInputValidation: true);
            json.WriteString("patchType"u8, "JSONPatch"u8);
        }

        if (Share.Warnings.Count > 0)
        {
            json.WriteStartArray("warnings"u8);
            // By index: a foreach over the interface would allocate an enumerator per answer.
            for (var i = 0; i < Share.Warnings.Count; i++)
            {
                json.WriteStringValue(Share.Warnings[i]);
            }

            json.WriteEndArray();
        }

        if (Share.AuditAnnotations.Count > 0)
        {
            json.WriteStartObject("auditAnnotations"u8);
            foreach (var (key, value) in Share.AuditAnnotations)
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }
}

/// <summary>A request the webhook cannot read: an RFC 9457 problem saying what is wrong, counted as <c>invalid</c>.</summary>
internal sealed record RejectedAnswer(string Operation, int Status, string Reason) : WebhookAnswer(Operation, Operations.Invalid)
{
    public override int StatusCode => Status;

    public override string ContentType => "application/problem+json";

    public override void Write(Utf8JsonWriter json)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WriteStartObject();
        json.WriteString("type"u8, Status == StatusCodes.Status413PayloadTooLarge
            ? "https://tools.ietf.org/html/rfc9110#section-15.5.14"u8
            : "https://tools.ietf.org/html/rfc9110#section-15.5.1"u8);
        json.WriteString("title"u8, "Invalid AdmissionReview request"u8);
        json.WriteNumber("status"u8, Status);
        json.WriteString("detail"u8, Reason);
        json.WriteEndObject();
    }
}
