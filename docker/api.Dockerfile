# Mall.Api image. Build from the repository root: docker build -f docker/api.Dockerfile .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props Mall.sln ./
COPY Mall.Api/Mall.Api.csproj Mall.Api/
RUN dotnet restore Mall.Api/Mall.Api.csproj
COPY Mall.Api/ Mall.Api/
COPY Features/ Features/
RUN dotnet publish Mall.Api/Mall.Api.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
# Uploaded product images go to {Mall:DataDir}/media, a volume shared with the web image's nginx. The folder exists in
# the image, owned by the app's user, so a fresh volume mounted there starts with that owner.
RUN mkdir -p /var/lib/mall/media && chown -R $APP_UID /var/lib/mall
ENV ASPNETCORE_URLS=http://+:8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    DOTNET_gcServer=1 \
    Mall__DataDir=/var/lib/mall
EXPOSE 8080
USER $APP_UID
ENTRYPOINT ["dotnet", "Mall.Api.dll"]
