using Microsoft.OpenApi;

namespace Platform.Api.Hosting;

/// <summary>OpenAPI document at <c>/swagger/v1/swagger.json</c> and Swagger UI at <c>/swagger</c>, both without a token.</summary>
public static class ApiDocumentation
{
    private const string SchemeName = "oauth2";

    public static IServiceCollection AddApiDocumentation(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "Shared tax-information platform",
                Version = "v1",
                Description = "Uploads, receipts and template negotiation. Queries are at POST /graphql. " +
                              "Every operation needs a bearer token from /connect/token (client credentials).",
            });
            options.AddSecurityDefinition(SchemeName, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.OAuth2,
                Flows = new OpenApiOAuthFlows
                {
                    ClientCredentials = new OpenApiOAuthFlow
                    {
                        TokenUrl = new Uri("/connect/token", UriKind.Relative),
                        Scopes = Auth.Roles.All.ToDictionary(r => r, r => $"Act as {r}"),
                    },
                },
            });
            // A period is its text in JSON (PeriodJsonConverter), not the struct's properties.
            options.MapType<Platform.Templates.Schema.Period>(() => new OpenApiSchema
            {
                Type = JsonSchemaType.String, Pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$", Description = "A period: year and month, such as 2024-03",
            });
            options.AddSecurityRequirement(document => new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(SchemeName, document)] = [],
            });
        });
        return services;
    }

    /// <summary>Served by middleware ahead of authentication: the documentation needs no token.</summary>
    public static WebApplication UseApiDocumentation(this WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI(options => options.DocumentTitle = "Tax-information platform API");
        return app;
    }
}
