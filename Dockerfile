# syntax=docker/dockerfile:1
# AdmissionGuard image: `make docker-build` (IMAGE=admissionguard:dev).
# Build with the SDK, run on the chiseled ASP.NET runtime: no shell, no package manager, non-root.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files only, so source edits reuse the restored layer.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/AdmissionGuard/AdmissionGuard.csproj src/AdmissionGuard/
COPY src/AdmissionGuard.Core/AdmissionGuard.Core.csproj src/AdmissionGuard.Core/
RUN --mount=type=cache,id=nuget,target=/root/.nuget/packages \
    dotnet restore src/AdmissionGuard/AdmissionGuard.csproj
# The guard alone: the sandbox and the playground (src/AdmissionGuard.Sandbox, .Playground) stay out of the image.
COPY src/AdmissionGuard/ src/AdmissionGuard/
COPY src/AdmissionGuard.Core/ src/AdmissionGuard.Core/
# The same publish as `make publish`; test/AdmissionGuard.Tests/Manifests/PublishTests runs this line.
RUN --mount=type=cache,id=nuget,target=/root/.nuget/packages \
    dotnet publish src/AdmissionGuard/AdmissionGuard.csproj -c Release -o /app --no-restore -nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled AS runtime
WORKDIR /app
COPY --from=build /app ./
# The guard binds its own ports (Webhook:Port 9443 HTTPS, Webhook:MetricsPort 8080 HTTP); do not let the
# image's default ASPNETCORE_HTTP_PORTS=8080 compete with them.
ENV ASPNETCORE_HTTP_PORTS= \
    DOTNET_NOLOGO=1
# The chiseled images' "app" user (UID 1654); config/manager runs the pod with the same IDs.
USER 1654:1654
EXPOSE 9443 8080
ENTRYPOINT ["/app/admissionguard"]
CMD ["serve"]
