using System.Security.Cryptography.X509Certificates;
using AdmissionGuard.Webhook;

// The bare Kestrel endpoint `make load` holds the guard against: the guard's HTTPS setup (TLS profile, the same PEM
// certificate, Kestrel's defaults otherwise) and nothing else. Every request's body is read whole and answered with
// one constant AdmissionReview, so the difference to the guard is what the guard does per request.
//   dotnet AdmissionGuard.LoadBaseline.dll --Port 9443 --CertFile tls.crt --KeyFile tls.key
var builder = WebApplication.CreateSlimBuilder(args);
// The ASP.NET Core template's logging (its appsettings.json): Microsoft.AspNetCore at Warning, so no line per request.
// This runs from the repository root, not beside an appsettings.json: without the filter, every request was logged twice.
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
var port = builder.Configuration.GetValue<int>("Port");
var certificate = X509Certificate2.CreateFromPem(
    File.ReadAllText(builder.Configuration["CertFile"] ?? throw new InvalidOperationException("--CertFile is required")),
    File.ReadAllText(builder.Configuration["KeyFile"] ?? throw new InvalidOperationException("--KeyFile is required")));
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.ListenAnyIP(port, listen => listen.UseHttps(https =>
    {
        https.SslProtocols = TlsProfile.Protocols;
        https.OnAuthenticate = (_, ssl) =>
        {
            if (OperatingSystem.IsLinux())
            {
                ssl.CipherSuitesPolicy = TlsProfile.Ciphers;
            }
        };
        https.ServerCertificateSelector = (_, _) => certificate;
    }));
});

var app = builder.Build();
var answer = """{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"705ab4f5-6393-11e8-b7cc-42010a800002","allowed":true}}"""u8.ToArray();
app.Run(async context =>
{
    var body = context.Request.BodyReader;
    while (true)
    {
        var read = await body.ReadAsync(context.RequestAborted);
        body.AdvanceTo(read.Buffer.End);
        if (read.IsCompleted)
        {
            break;
        }
    }

    context.Response.ContentType = "application/json";
    context.Response.ContentLength = answer.Length;
    await context.Response.BodyWriter.WriteAsync(answer, context.RequestAborted);
});
await app.RunAsync();
