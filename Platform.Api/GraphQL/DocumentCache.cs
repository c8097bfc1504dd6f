using GraphQL;
using GraphQL.DI;
using GraphQLParser.AST;
using Microsoft.Extensions.Caching.Memory;

namespace Platform.Api.GraphQL;

/// <summary>
/// Keeps parsed documents by query text so repeated queries skip the parser; only documents that executed (so parsed
/// and validated) are kept. Written here because the GraphQL.MemoryCache package is not served by our registry.
/// </summary>
public sealed class DocumentCache : IConfigureExecution, IDisposable
{
    /// <summary>Cached entries are sized by query length; the whole cache holds about this many characters of queries.</summary>
    public const long SizeLimit = 1_000_000;

    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = SizeLimit });

    public float SortOrder => 200;

    public void Dispose() => cache.Dispose();

    public async Task<ExecutionResult> ExecuteAsync(ExecutionOptions options, ExecutionDelegate next)
    {
        if (options.Document is not null || string.IsNullOrEmpty(options.Query))
        {
            return await next(options);
        }
        if (cache.TryGetValue(options.Query, out GraphQLDocument? document))
        {
            options.Document = document;
            return await next(options);
        }
        var result = await next(options);
        if (result.Executed && result.Document is not null)
        {
            cache.Set(options.Query, result.Document, new MemoryCacheEntryOptions { Size = options.Query.Length });
        }
        return result;
    }
}
