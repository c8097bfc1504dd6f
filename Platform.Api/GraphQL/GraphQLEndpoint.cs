using Platform.Api.Access;
using GraphQL;
using GraphQL.Transport;
using GraphQL.Validation;
using Microsoft.Net.Http.Headers;

namespace Platform.Api.GraphQL;

/// <summary>
/// GraphQL over HTTP (the GraphQL Foundation's draft): POST with an <c>application/json</c> body, GET with
/// <c>query</c>, <c>operationName</c>, <c>variables</c> and <c>extensions</c> parameters (queries only).
/// The response is <c>application/graphql-response+json</c> when the client accepts it (request errors are then
/// 400), else <c>application/json</c> with 200 for every well-formed request.
/// </summary>
public static class GraphQLEndpoint
{
    public const string Path = "/graphql";
    public const string GraphQLResponseJson = "application/graphql-response+json";
    public const string Json = "application/json";

    public static void MapPlatformGraphQL(this IEndpointRouteBuilder app)
    {
        // The transport admits any signed-in caller; each query field asks the policy for its own operation.
        app.MapPost(Path, Post).ExcludeFromDescription().RequireAccess(Operation.ReadSelf);
        app.MapGet(Path, Get).ExcludeFromDescription().RequireAccess(Operation.ReadSelf);
    }

    private static async Task Post(HttpContext http, IGraphQLTextSerializer serializer, GraphQLLimits limits)
    {
        if (!Hosting.RequestBodyLimit.Admits(http, limits.MaxRequestBytes))
        {
            await WriteRequestError(http, serializer, StatusCodes.Status413PayloadTooLarge,
                $"The body is larger than {limits.MaxRequestBytes:N0} bytes (GraphQL:MaxRequestBytes); send a smaller query or fewer variables.");
            return;
        }
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var contentType) ||
            !contentType.MediaType.Equals(Json, StringComparison.OrdinalIgnoreCase))
        {
            await WriteRequestError(http, serializer, StatusCodes.Status415UnsupportedMediaType,
                $"Send the request body as {Json}, not '{http.Request.ContentType}'.");
            return;
        }
        GraphQLRequest? request;
        try
        {
            request = await serializer.ReadAsync<GraphQLRequest>(http.Request.Body, http.RequestAborted);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            await WriteRequestError(http, serializer, StatusCodes.Status400BadRequest,
                "The body is not a GraphQL request: expected JSON {\"query\": ..., \"variables\": {...}, \"operationName\": ...}.");
            return;
        }
        await Execute(http, serializer, request, overGet: false);
    }

    private static async Task Get(HttpContext http, IGraphQLTextSerializer serializer)
    {
        var query = http.Request.Query;
        GraphQLRequest request;
        try
        {
            request = new GraphQLRequest
            {
                Query = query["query"],
                OperationName = query["operationName"] is { Count: > 0 } name && name[0] is { Length: > 0 } ? name[0] : null,
                Variables = query["variables"] is { Count: > 0 } v && v[0] is { Length: > 0 } ? serializer.Deserialize<Inputs>(v[0]) : null,
                Extensions = query["extensions"] is { Count: > 0 } x && x[0] is { Length: > 0 } ? serializer.Deserialize<Inputs>(x[0]) : null,
            };
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            await WriteRequestError(http, serializer, StatusCodes.Status400BadRequest,
                "The 'variables' and 'extensions' parameters must be JSON objects.");
            return;
        }
        await Execute(http, serializer, request, overGet: true);
    }

    private static async Task Execute(HttpContext http, IGraphQLTextSerializer serializer, GraphQLRequest? request, bool overGet)
    {
        if (ResponseMediaType(http.Request) is not { } mediaType)
        {
            await WriteRequestError(http, serializer, StatusCodes.Status406NotAcceptable,
                $"Accept {GraphQLResponseJson} or {Json}.", Json);
            return;
        }
        if (string.IsNullOrWhiteSpace(request?.Query))
        {
            await WriteRequestError(http, serializer, StatusCodes.Status400BadRequest,
                "The request has no 'query': send the GraphQL document in 'query'.", mediaType);
            return;
        }

        var (turn, refused) = await http.RequestServices.GetRequiredService<GraphQLCallerLimit>().AcquireAsync(http.User, http.RequestAborted);
        if (refused is not null)
        {
            http.Response.Headers.RetryAfter = refused.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await WriteRequestError(http, serializer, StatusCodes.Status429TooManyRequests, refused.Message, mediaType,
                GraphQLCallerLimit.RateLimitedCode, new Dictionary<string, object?> { ["retryAfter"] = refused.RetryAfterSeconds });
            return;
        }
        using var _ = turn;
        var executer = http.RequestServices.GetRequiredService<IDocumentExecuter<PlatformSchema>>();
        var result = await executer.ExecuteAsync(new ExecutionOptions
        {
            Query = request.Query,
            OperationName = request.OperationName,
            Variables = request.Variables,
            Extensions = request.Extensions,
            RequestServices = http.RequestServices,
            User = http.User,
            CancellationToken = http.RequestAborted,
            ValidationRules = overGet ? DocumentValidator.CoreRules.Append(OnlyQueriesOverGet.Instance) : null,
        });

        if (result.Errors?.Any(e => e is OnlyQueriesOverGet.NotAQueryError) == true)
        {
            http.Response.Headers.Allow = "POST";
            http.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
        }
        else
        {
            http.Response.StatusCode = mediaType == GraphQLResponseJson && !result.Executed
                ? StatusCodes.Status400BadRequest
                : StatusCodes.Status200OK;
        }
        http.Response.ContentType = mediaType + "; charset=utf-8";
        await serializer.WriteAsync(http.Response.Body, result, http.RequestAborted);
    }

    /// <summary>The spec's negotiation: prefer graphql-response+json; no Accept header means application/json.</summary>
    private static string? ResponseMediaType(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        if (accept.Count == 0)
        {
            return Json;
        }
        foreach (var media in accept.OrderByDescending(a => a.Quality ?? 1))
        {
            if (media.MediaType.Equals(GraphQLResponseJson, StringComparison.OrdinalIgnoreCase))
            {
                return GraphQLResponseJson;
            }
            if (media.MediaType.Equals(Json, StringComparison.OrdinalIgnoreCase) ||
                media.MediaType.Equals("application/*", StringComparison.OrdinalIgnoreCase) ||
                media.MediaType.Equals("*/*", StringComparison.OrdinalIgnoreCase))
            {
                return Json;
            }
        }
        return null;
    }

    private static async Task WriteRequestError(HttpContext http, IGraphQLTextSerializer serializer, int status, string message,
        string mediaType = Json, string? code = null, Dictionary<string, object?>? extensions = null)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = mediaType + "; charset=utf-8";
        var error = new ExecutionError(message) { Code = code, Extensions = extensions };
        await serializer.WriteAsync(http.Response.Body, new ExecutionResult { Errors = [error] }, http.RequestAborted);
    }
}
