using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.Ingest.Processing;
using Platform.Ingest.Storage;
using Platform.Ingest.Submissions;

namespace Platform.Ingest;

public static class IngestSetup
{
    /// <summary>Submissions as event streams, their receipts, the record tables, the upload store and the worker.</summary>
    public static IServiceCollection AddIngest(this IServiceCollection services, IConfiguration configuration, string uploadDirectory)
    {
        var options = configuration.GetSection(IngestOptions.Section).Get<IngestOptions>() ?? new IngestOptions();
        services.AddSingleton(options);
        services.AddSingleton(new UploadStore(uploadDirectory, options.MaxFileBytes));
        services.AddSingleton<IngestSignal>();
        services.AddSingleton<Records.IngestRecords>();
        services.AddSingleton<SubmissionProcessor>();
        services.AddSingleton<IngestWorker>();
        if (options.RunWorker)
        {
            services.AddHostedService(sp => sp.GetRequiredService<IngestWorker>());
        }
        services.ConfigureMarten(store =>
        {
            store.Events.AddEventTypes(Submission.EventTypes);
            store.Projections.Add(new FoldProjection<Submission>(Submission.EventTypes, Submission.Fold), ProjectionLifecycle.Inline);
            store.Schema.For<Submission>()
                .DocumentAlias("submission")
                .Duplicate(s => s.Agency)
                .Duplicate(s => s.Status)
                .Duplicate(s => s.TemplateId)
                .Duplicate(s => s.Period)
                // A live receipt (not refused, not failed) holds its slot: the same bytes from the same agency for the same
                // template, version, period and mode, or the same idempotency key. A refused or failed one lets a resend through.
                .Index([s => s.Agency, s => s.TemplateId, s => s.TemplateVersion, s => s.Period, s => s.Mode, s => s.Sha256], index =>
                {
                    index.Name = "ux_submission_live_file";
                    index.IsUnique = true;
                    index.Predicate = Submission.LivePredicate;
                })
                .Index([s => s.Agency, s => s.IdempotencyKey!], index =>
                {
                    index.Name = "ux_submission_live_idempotency_key";
                    index.IsUnique = true;
                    index.Predicate = Submission.LivePredicate;
                });
            StoreSchema.Add(store, RecordTables.SchemaObjects());
        });
        return services;
    }
}
