# syntax=docker/dockerfile:1
# Build: docker build -t nethical-gateway .
# Run:   docker run --rm -p 8080:8080 -p 8888:8888 nethical-gateway   (8888: the egress proxy)

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files alone, so the layer is cached across source edits.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY appsettings/ appsettings/
COPY src/Nethical.Guard/Nethical.Guard.csproj src/Nethical.Guard/
COPY src/Nethical.Gateway/Nethical.Gateway.csproj src/Nethical.Gateway/
RUN dotnet restore src/Nethical.Gateway/Nethical.Gateway.csproj
COPY src/ src/
# The trained head, student and manifest are embedded into the engine at build time.
COPY models/ models/
RUN dotnet publish src/Nethical.Gateway/Nethical.Gateway.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
COPY appsettings/ /app/appsettings/
# The INT8 encoder is built from the fp32 one at first start (a fraction of a second) and cached here; mount a
# volume to keep it across containers.
ENV NETHICAL_CONFIG_DIR=/app/appsettings \
    Screening__Tier2__CacheDirectory=/tmp/nethical-models \
    Kestrel__Endpoints__Http__Url=http://0.0.0.0:8080 \
    Egress__Url=http://0.0.0.0:8888 \
    DOTNET_gcServer=0
EXPOSE 8080 8888
# The aspnet image ships an unprivileged user; its id is in $APP_UID.
USER $APP_UID
ENTRYPOINT ["dotnet", "Nethical.Gateway.dll"]
