#include "cli.h"
#include "clicommon.h"
#include "storage/pglocation.h"

#include "catalog/classcatalog.h"
#include "catalog/classsearch.h"
#include "catalog/taxonomy.h"
#include "catalog/wordnet.h"
#include "demo.h"
#include "error.h"
#include "export/exporter.h"
#include "import/importer.h"
#include "io/inputfile.h"
#include "io/utf8.h"
#include "logging.h"
#include "progress.h"
#include "project.h"
#include "storage/projectcheck.h"
#include "storage/sqlitestore.h"
#include "vocabulary.h"

#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <spdlog/spdlog.h>

#include <functional>
#include <map>
#include <optional>

#include <unistd.h>

namespace bagel::cli {

namespace {

struct Command
{
    const char *name;
    const char *synopsis;
    const char *description;
    std::function<void(QCommandLineParser &)> addOptions;
    std::function<void(Context &)> run;
};

// ---------------------------------------------------------------------------------------------

void runInit(Context &ctx)
{
    const QStringList args = positionals(ctx.parser, 1, "init PROJECT [--images-root DIR]");
    const QString imagesRoot = ctx.parser.value(QStringLiteral("images-root"));
    if (!imagesRoot.isEmpty() && !QFileInfo(imagesRoot).isDir())
        throw Error(QStringLiteral("%1: no such folder").arg(imagesRoot));
    auto project = Project::create(args[0], imagesRoot);
    if (ctx.json) {
        printJson(ctx.out, {{QStringLiteral("project"), project->path()},
                            {QStringLiteral("images_root"), project->imagesRoot()}});
    } else {
        ctx.out << "Created " << project->path() << '\n';
        if (!project->imagesRoot().isEmpty())
            ctx.out << "Images root: " << project->imagesRoot() << '\n';
    }
}

void runImport(Context &ctx)
{
    const QStringList args = positionals(ctx.parser, 3, "import PROJECT FORMAT FILE");
    const auto format = parseImportFormat(args[1]);
    if (!format)
        throw UsageError(QStringLiteral("unknown import format '%1' (one of: %2)")
                             .arg(args[1], importFormatNames().join(QLatin1String(", "))));
    ImportOptions options;
    options.model = ctx.parser.value(QStringLiteral("model"));
    try {
        if (ctx.parser.isSet(QStringLiteral("reviewer"))) {
            options.reviewer = ctx.parser.value(QStringLiteral("reviewer"));
            Project::checkName(options.reviewer, "reviewer");
        }
        if (!options.model.isEmpty())
            Project::checkName(options.model, "model");
    } catch (const Error &e) {
        throw UsageError(e.message());
    }
    options.labelsFile = ctx.parser.value(QStringLiteral("labels"));
    options.filesList = ctx.parser.value(QStringLiteral("files"));
    options.onlyExisting = ctx.parser.isSet(QStringLiteral("only-existing"));
    options.validationOnly = !ctx.parser.isSet(QStringLiteral("all-entries"));
    if (ctx.parser.isSet(QStringLiteral("top-k"))) {
        bool ok = false;
        options.topK = ctx.parser.value(QStringLiteral("top-k")).toInt(&ok);
        const int classes = ClassCatalog::imagenet1k().size();
        if (!ok || options.topK < 1 || options.topK > classes)
            throw UsageError(QStringLiteral("--top-k needs a whole number from 1 to %1 (the number of classes), not '%2'")
                                 .arg(classes)
                                 .arg(ctx.parser.value(QStringLiteral("top-k"))));
    }
    const QString scores = ctx.parser.value(QStringLiteral("scores"));
    if (scores == QLatin1String("probabilities"))
        options.scores = ScoreKind::Probabilities;
    else if (scores == QLatin1String("logits"))
        options.scores = ScoreKind::Logits;
    else if (!scores.isEmpty() && scores != QLatin1String("auto"))
        throw UsageError(QStringLiteral("--scores is one of auto, probabilities, logits"));
    for (const QString &file : {options.labelsFile, options.filesList}) {
        if (!file.isEmpty())
            requireRegularFile(file); // not a pipe, a device or a folder
    }

    auto project = openProject(args[0]);
    requireLead(*project, QStringLiteral("import"));
    options.progress = ctx.progress;
    const ImportReport report = importFile(*project, *format, args[2], options);
    if (ctx.json)
        printJson(ctx.out, report.toJson());
    else
        ctx.out << report.summary() << '\n';
}

void runInfo(Context &ctx)
{
    const QStringList args = positionals(ctx.parser, 1, "info PROJECT");
    auto project = openProject(args[0]);
    const Store &store = project->store();
    const ProjectCounts c = store.counts();
    QStringList models;
    for (const ModelRecord &m : store.models())
        models << m.name;
    QStringList reviewers;
    // A project written before names were normalised may hold one name in two spellings.
    std::map<QString, QStringList> spellings; // NFC → the names stored
    for (const ReviewerRecord &r : store.reviewers()) {
        reviewers << r.name;
        spellings[nfc(r.name)] << r.name;
    }
    QStringList twoSpellings;
    for (const auto &[composed, names] : spellings) {
        if (names.size() > 1)
            twoSpellings << composed;
    }
    const int schema = project->schemaVersion();

    if (ctx.json) {
        printJson(ctx.out, {
                               {QStringLiteral("project"), project->path()},
                               {QStringLiteral("schema_version"), schema},
                               {QStringLiteral("images_root"), project->imagesRoot()},
                               {QStringLiteral("leads"), QJsonArray::fromStringList(project->leads())},
                               {QStringLiteral("leads_problem"), project->leadsProblem().isEmpty() ? QJsonValue() : QJsonValue(project->leadsProblem())},
                               {QStringLiteral("items"), c.items},
                               {QStringLiteral("items_with_unknown_label"), c.itemsWithUnknownLabel},
                               {QStringLiteral("models"), c.models},
                               {QStringLiteral("model_names"), QJsonArray::fromStringList(models)},
                               {QStringLiteral("predictions"), c.predictions},
                               {QStringLiteral("reviewers"), c.reviewers},
                               {QStringLiteral("reviewer_names"), QJsonArray::fromStringList(reviewers)},
                               {QStringLiteral("reviewers_in_two_spellings"), QJsonArray::fromStringList(twoSpellings)},
                               {QStringLiteral("reviews"), c.reviews},
                               {QStringLiteral("adjudications"), c.adjudications},
                               {QStringLiteral("assignments"), c.assignments},
                               {QStringLiteral("judgements"), c.judgements},
                               {QStringLiteral("problematic"), c.problematic},
                               {QStringLiteral("imagenet_m"), c.imagenetM},
                               {QStringLiteral("real_labels"), c.realLabelled},
                           });
        return;
    }
    const auto line = [&](const char *label, const QString &value) {
        ctx.out << QStringLiteral("%1 %2\n").arg(QLatin1String(label), -20).arg(value);
    };
    line("Project:", project->path());
    line("Schema version:", QString::number(schema));
    line("Images root:", project->imagesRoot().isEmpty() ? QStringLiteral("(not set)") : project->imagesRoot());
    const QString leadsProblem = project->leadsProblem();
    line("Leads:", !leadsProblem.isEmpty()      ? QStringLiteral("(cannot be read: %1; nobody may adjudicate)").arg(leadsProblem)
                   : project->leads().isEmpty() ? QStringLiteral("(none: anyone may adjudicate)")
                                                : project->leads().join(QLatin1String(", ")));
    line("Items:", c.itemsWithUnknownLabel ? QStringLiteral("%1 (%2 with unknown original label)").arg(c.items).arg(c.itemsWithUnknownLabel)
                                           : QString::number(c.items));
    line("Models:", models.isEmpty() ? QStringLiteral("0") : QStringLiteral("%1 (%2)").arg(c.models).arg(models.join(QLatin1String(", "))));
    line("Predictions:", QString::number(c.predictions));
    line("Reviewers:", reviewers.isEmpty() ? QStringLiteral("0") : QStringLiteral("%1 (%2)").arg(c.reviewers).arg(reviewers.join(QLatin1String(", "))));
    for (const QString &name : twoSpellings)
        line("", QStringLiteral("%1 is stored in two Unicode spellings, as two reviewers for the reviews made before names were "
                                "normalised; new reviews go to one (see file-formats.md)")
                     .arg(name));
    line("Reviews:", QString::number(c.reviews));
    line("Adjudications:", QString::number(c.adjudications));
    line("Assignments:", QString::number(c.assignments));
    line("Judgements:", QString::number(c.judgements));
    line("Problematic images:", QString::number(c.problematic));
    line("ImageNet-M:", QString::number(c.imagenetM));
    line("ReaL label lists:", QString::number(c.realLabelled));
}

void runCheck(Context &ctx)
{
    const QStringList args = positionals(ctx.parser, 1, "check PROJECT");
    const CheckReport report = ServerLocation::isServer(args[0]) ? checkServerProject(args[0]) : checkProject(args[0]);
    if (ctx.json) {
        printJson(ctx.out, report.toJson());
    } else {
        ctx.out << "Checked " << report.path << '\n';
        for (const CheckFinding &f : report.findings) {
            const char *mark = f.level == CheckFinding::Level::Ok ? "ok     " : f.level == CheckFinding::Level::Warning ? "WARNING" : "ERROR  ";
            ctx.out << "  " << mark << "  " << QStringLiteral("%1").arg(f.check, -12) << "  " << f.message << '\n';
        }
    }
    ctx.out.flush();
    const int errors = report.count(CheckFinding::Level::Error);
    if (errors)
        throw Error(QStringLiteral("%1: %2 problem(s) found").arg(report.path).arg(errors));
}

void runReview(Context &ctx)
{
    const QStringList args = positionals(ctx.parser, 1, "review PROJECT --item FILE --reviewer R --verdict V");
    const QCommandLineParser &p = ctx.parser;
    ReviewInput input;
    input.fileName = nfc(requireValue(p, "item"));
    input.reviewer = requireValue(p, "reviewer");
    input.model = p.value(QStringLiteral("model"));
    input.note = p.value(QStringLiteral("note"));
    input.oovWnid = p.value(QStringLiteral("oov"));
    input.source = QStringLiteral("cli");
    if (p.isSet(QStringLiteral("verdict"))) {
        input.verdict = parseVerdict(p.value(QStringLiteral("verdict")));
        if (!input.verdict)
            throw UsageError(QStringLiteral("unknown verdict '%1' (one of: %2)")
                                 .arg(p.value(QStringLiteral("verdict")), verdictNames().join(QLatin1String(", "))));
    }
    if (p.isSet(QStringLiteral("category"))) {
        input.category = parseCategory(p.value(QStringLiteral("category")));
        if (!input.category)
            throw UsageError(QStringLiteral("unknown category '%1' (one of: %2)")
                                 .arg(p.value(QStringLiteral("category")), categoryNames().join(QLatin1String(", "))));
    }
    if (p.isSet(QStringLiteral("spurious-kind"))) {
        input.spuriousKind = parseSpuriousKind(p.value(QStringLiteral("spurious-kind")));
        if (!input.spuriousKind)
            throw UsageError(QStringLiteral("unknown spurious-correlation kind '%1' (one of: %2)")
                                 .arg(p.value(QStringLiteral("spurious-kind")), spuriousKindNames().join(QLatin1String(", "))));
    }
    if (p.isSet(QStringLiteral("severity"))) {
        input.severity = parseSeverity(p.value(QStringLiteral("severity")));
        if (!input.severity)
            throw UsageError(QStringLiteral("unknown severity '%1' (one of: %2)")
                                 .arg(p.value(QStringLiteral("severity")), severityNames().join(QLatin1String(", "))));
    }
    if (!input.verdict && !p.isSet(QStringLiteral("label")))
        throw UsageError(QStringLiteral("--verdict is required (or give --label edits only)"));
    const ClassCatalog &catalog = ClassCatalog::imagenet1k();
    for (const QString &spec : p.values(QStringLiteral("label"))) {
        const qsizetype eq = spec.lastIndexOf(QLatin1Char('='));
        if (eq <= 0)
            throw UsageError(QStringLiteral("--label %1: expected CLASS=correct|wrong|unclear|remove").arg(spec));
        const auto edit = parseLabelEdit(spec.mid(eq + 1));
        if (!edit)
            throw UsageError(QStringLiteral("--label %1: '%2' is not one of correct, wrong, unclear, remove").arg(spec, spec.mid(eq + 1)));
        try {
            input.labelChanges << LabelChange{catalog.resolve(spec.left(eq)).index, *edit};
        } catch (const Error &e) {
            throw UsageError(QStringLiteral("--label %1: %2").arg(spec, e.message()));
        }
    }

    auto project = openProject(args[0]);
    const ReviewId id = project->recordReview(input);
    if (ctx.json) {
        printJson(ctx.out, {{QStringLiteral("review_id"), id}, {QStringLiteral("item"), input.fileName},
                            {QStringLiteral("reviewer"), input.reviewer}});
    } else {
        ctx.out << QStringLiteral("Recorded review %1 of %2 by %3\n").arg(id).arg(input.fileName, input.reviewer);
    }
}

void runExport(Context &ctx)
{
    const QStringList args = positionals(ctx.parser, 3, "export PROJECT FORMAT OUT");
    const auto format = parseExportFormat(args[1]);
    if (!format)
        throw UsageError(QStringLiteral("unknown export format '%1' (one of: %2)")
                             .arg(args[1], exportFormatNames().join(QLatin1String(", "))));
    ExportFilter filter;
    if (ctx.parser.isSet(QStringLiteral("class"))) {
        try {
            filter.originalClass = ClassCatalog::imagenet1k().resolve(ctx.parser.value(QStringLiteral("class"))).index;
        } catch (const Error &e) {
            throw UsageError(QStringLiteral("--class: %1").arg(e.message()));
        }
    }
    filter.reviewedOnly = ctx.parser.isSet(QStringLiteral("reviewed-only"));
    filter.search = ctx.parser.value(QStringLiteral("search"));
    filter.model = ctx.parser.value(QStringLiteral("model"));
    auto project = openProject(args[0]);
    requireLead(*project, QStringLiteral("export"));
    const ExportReport report = exportFile(*project, *format, args[2], filter, ctx.progress);
    if (ctx.json)
        printJson(ctx.out, report.toJson());
    else
        ctx.out << report.summary() << '\n';
}

void runImagesRoot(Context &ctx)
{
    QStringList args = ctx.parser.positionalArguments();
    args.removeFirst();
    if (args.size() != 1 && args.size() != 2)
        throw UsageError(QStringLiteral("expected: images-root PROJECT [DIR]"));
    auto project = openProject(args[0], args.size() == 1);
    if (args.size() == 2) {
        if (!QFileInfo(args[1]).isDir())
            throw Error(QStringLiteral("%1: no such folder").arg(args[1]));
        Transaction tx(project->store());
        project->setImagesRoot(args[1]);
        tx.commit();
    }
    if (ctx.json)
        printJson(ctx.out, {{QStringLiteral("images_root"), project->imagesRoot()}});
    else
        ctx.out << (project->imagesRoot().isEmpty() ? QStringLiteral("(not set)") : project->imagesRoot()) << '\n';
}

QJsonObject classJson(const ImageNetClass &c)
{
    return {{QStringLiteral("index"), c.index},
            {QStringLiteral("wnid"), c.wnid},
            {QStringLiteral("names"), QJsonArray::fromStringList(c.names)},
            {QStringLiteral("gloss"), c.gloss}};
}

QJsonObject hitJson(const ClassHit &hit)
{
    return {{QStringLiteral("index"), hit.classIndex >= 0 ? QJsonValue(hit.classIndex) : QJsonValue()},
            {QStringLiteral("wnid"), hit.wnid()},
            {QStringLiteral("names"), QJsonArray::fromStringList(hit.names)},
            {QStringLiteral("gloss"), hit.gloss},
            {QStringLiteral("score"), hit.score}};
}

void runClassesSearch(Context &ctx, const QString &query)
{
    const ClassCatalog &catalog = ClassCatalog::imagenet1k();
    const WordNet wordnet;
    int limit = 20;
    if (ctx.parser.isSet(QStringLiteral("limit"))) {
        bool ok = false;
        limit = ctx.parser.value(QStringLiteral("limit")).toInt(&ok);
        if (!ok || limit < 1)
            throw UsageError(QStringLiteral("--limit needs a positive number"));
    }
    QVector<ClassHit> hits;
    if (ctx.parser.isSet(QStringLiteral("wordnet"))) {
        if (!wordnet.isAvailable())
            throw Error(QStringLiteral("--wordnet needs WordNet (Debian package wordnet-base): %1 is missing").arg(wordnet.path()));
        hits = ClassSearch::wordnet(catalog, wordnet).search(query, limit);
    } else {
        const Taxonomy taxonomy(catalog, wordnet);
        hits = ClassSearch::imagenet(catalog, &taxonomy).search(query, limit);
    }
    if (ctx.json) {
        QJsonArray list;
        for (const ClassHit &hit : std::as_const(hits))
            list.append(hitJson(hit));
        ctx.out << QJsonDocument(list).toJson(QJsonDocument::Indented);
        return;
    }
    for (const ClassHit &hit : std::as_const(hits)) {
        ctx.out << QStringLiteral("%1  %2  %3\n      %4\n")
                       .arg(hit.classIndex >= 0 ? QString::number(hit.classIndex).rightJustified(3) : QStringLiteral("  -"),
                            hit.wnid(), hit.names.join(QLatin1String(", ")), hit.gloss);
    }
    if (hits.isEmpty())
        ctx.out << "No class matches '" << query << "'.\n";
}

void runClassesShow(Context &ctx, const QString &spec)
{
    const ClassCatalog &catalog = ClassCatalog::imagenet1k();
    const ImageNetClass &c = catalog.resolve(spec);
    const WordNet wordnet;
    const QVector<Synset> path = wordnet.hypernymPath(c.wnid);
    const Taxonomy taxonomy(catalog, wordnet);
    const Taxonomy::Neighbours neighbours = taxonomy.neighbours(c.index);
    if (ctx.json) {
        QJsonObject o = classJson(c);
        QJsonArray hypernyms;
        for (const Synset &s : path)
            hypernyms.append(QJsonObject{{QStringLiteral("wnid"), s.wnid()},
                                         {QStringLiteral("names"), QJsonArray::fromStringList(s.lemmas)}});
        o.insert(QStringLiteral("hypernym_path"), wordnet.isAvailable() ? QJsonValue(hypernyms) : QJsonValue());
        QJsonArray near;
        for (const int n : neighbours.classes)
            near.append(classJson(catalog.at(n)));
        QJsonObject group{{QStringLiteral("classes"), near}};
        if (neighbours.ancestor)
            group.insert(QStringLiteral("ancestor"), QJsonObject{{QStringLiteral("wnid"), neighbours.ancestor->wnid()},
                                                                 {QStringLiteral("names"), QJsonArray::fromStringList(neighbours.ancestor->lemmas)}});
        o.insert(QStringLiteral("neighbours"), wordnet.isAvailable() ? QJsonValue(group) : QJsonValue());
        printJson(ctx.out, o);
        return;
    }
    ctx.out << c.index << "  " << c.wnid << "  " << c.names.join(QLatin1String(", ")) << '\n';
    ctx.out << "  " << c.gloss << '\n';
    if (!wordnet.isAvailable()) {
        ctx.out << "  (hypernym path and neighbours: install wordnet-base)\n";
        return;
    }
    QStringList chain;
    for (const Synset &s : path)
        chain << s.name();
    ctx.out << "  " << chain.join(QStringLiteral(" → ")) << '\n';
    if (neighbours.ancestor) {
        QStringList names;
        for (const int n : neighbours.classes)
            names << QStringLiteral("%1 (%2)").arg(catalog.at(n).name(), catalog.at(n).wnid);
        ctx.out << "  Other " << neighbours.ancestor->name() << " classes: " << names.join(QLatin1String(", ")) << '\n';
    }
}

void runClasses(Context &ctx)
{
    QStringList args = ctx.parser.positionalArguments();
    args.removeFirst();
    if (args.size() == 2 && args[0] == QLatin1String("show"))
        return runClassesShow(ctx, args[1]);
    if (args.size() >= 2 && args[0] == QLatin1String("search"))
        return runClassesSearch(ctx, args.mid(1).join(QLatin1Char(' ')));
    throw UsageError(QStringLiteral("expected: classes show WNID|INDEX|NAME, or classes search QUERY"));
}

void runDemo(Context &ctx)
{
    const QStringList args = positionals(ctx.parser, 1, "demo DIR");
    auto project = createDemoProject(args[0]);
    const ProjectCounts c = project->store().counts();
    if (ctx.json) {
        printJson(ctx.out, {{QStringLiteral("project"), project->path()}, {QStringLiteral("items"), c.items}});
    } else {
        ctx.out << "Demo project: " << project->path() << " (" << c.items << " items, " << c.models << " models)\n";
    }
}

void runVocabulary(Context &ctx)
{
    ctx.out << vocabularyHelpText();
}

const std::vector<Command> &commands()
{
    static const std::vector<Command> list = {
        {"init", "init PROJECT [--images-root DIR]", "Create a new, empty project file.",
         [](QCommandLineParser &p) {
             p.addOption({QStringLiteral("images-root"), QStringLiteral("Folder the item images are under."), QStringLiteral("DIR")});
         },
         runInit},
        {"import", "import PROJECT FORMAT FILE [options]",
         "Import FILE into the project in one transaction. FORMAT is one of: tfds-multilabel, real, "
         "paper-mistakes, predictions, imagefolder, labels, reviews (CSV: file_name,model,reviewer,verdict,"
         "category,severity,note,time).",
         [](QCommandLineParser &p) {
             p.addOption({QStringLiteral("model"), QStringLiteral("The model the predictions or mistakes belong to."), QStringLiteral("M")});
             p.addOption({QStringLiteral("reviewer"), QStringLiteral("paper-mistakes: who the reviews are attributed to (default: paper)."), QStringLiteral("R")});
             p.addOption({QStringLiteral("labels"), QStringLiteral("Original labels (file_name, wnid/index) for items the import adds or whose label is unknown."), QStringLiteral("TSV")});
             p.addOption({QStringLiteral("files"), QStringLiteral(".npy predictions: the file name of each row, one per line."), QStringLiteral("LIST")});
             p.addOption({QStringLiteral("top-k"), QStringLiteral(".npy predictions: how many classes to keep (default 5)."), QStringLiteral("K")});
             p.addOption({QStringLiteral("scores"), QStringLiteral(".npy predictions: auto, probabilities or logits (default auto)."), QStringLiteral("KIND")});
             p.addOption({QStringLiteral("only-existing"), QStringLiteral("Skip entries for items the project does not have.")});
             p.addOption({QStringLiteral("all-entries"), QStringLiteral("tfds-multilabel: import entries of any file name, not only ILSVRC2012_val_*.")});
         },
         runImport},
        {"info", "info PROJECT", "Print what the project holds.", nullptr, runInfo},
        {"check", "check PROJECT", "Check the project file without changing it: SQLite's integrity check, the foreign keys, "
         "the schema version, the append-only history and Bagel's own rules. Exit status 1 when something is wrong.",
         nullptr, runCheck},
        {"review", "review PROJECT --item FILE --reviewer R --verdict V [options]",
         "Record one review. Verdicts: correct, wrong, unclear, problematic; categories: fine-grained, "
         "fine-grained-oov, spurious-correlation, non-prototypical, other; severities: major, minor, borderline. "
         "See `bagel-cli vocabulary` for their definitions.",
         [](QCommandLineParser &p) {
             p.addOption({QStringLiteral("item"), QStringLiteral("The item's file name."), QStringLiteral("FILE")});
             p.addOption({QStringLiteral("reviewer"), QStringLiteral("Who reviews."), QStringLiteral("R")});
             p.addOption({QStringLiteral("verdict"), QStringLiteral("correct, wrong, unclear or problematic."), QStringLiteral("V")});
             p.addOption({QStringLiteral("model"), QStringLiteral("The model whose top-1 prediction is judged."), QStringLiteral("M")});
             p.addOption({QStringLiteral("category"), QStringLiteral("The mistake's category (verdict wrong)."), QStringLiteral("C")});
             p.addOption({QStringLiteral("spurious-kind"), QStringLiteral("over-reliance-on-context or lack-of-context."), QStringLiteral("K")});
             p.addOption({QStringLiteral("severity"), QStringLiteral("major, minor or borderline (verdict wrong)."), QStringLiteral("S")});
             p.addOption({QStringLiteral("label"), QStringLiteral("Edit the label set: CLASS=correct|wrong|unclear|remove (repeatable)."), QStringLiteral("CLASS=J")});
             p.addOption({QStringLiteral("note"), QStringLiteral("A free-text note."), QStringLiteral("TEXT")});
             p.addOption({QStringLiteral("oov"), QStringLiteral("fine-grained-oov: the true object's WordNet synset (see classes search --wordnet)."), QStringLiteral("WNID")});
         },
         runReview},
        {"export", "export PROJECT FORMAT OUT [--class C] [--reviewed-only] [--search TEXT] [--model M]",
         "Write the labels after the review. FORMAT: tfds-multilabel, real, csv, imagenet-m (a list, or JSON for a "
         ".json OUT), diff (what the review changed).",
         [](QCommandLineParser &p) {
             p.addOption({QStringLiteral("class"), QStringLiteral("Only items of this original class (wnid, index or name)."), QStringLiteral("C")});
             p.addOption({QStringLiteral("reviewed-only"), QStringLiteral("Only items with a final verdict.")});
             p.addOption({QStringLiteral("search"), QStringLiteral("Only items whose file name contains TEXT."), QStringLiteral("TEXT")});
             p.addOption({QStringLiteral("model"), QStringLiteral("With --reviewed-only: reviewed for this model; csv: only this model's columns."), QStringLiteral("M")});
         },
         runExport},
        {"images-root", "images-root PROJECT [DIR]", "Print, or change, the folder the item images are under.", nullptr, runImagesRoot},
        {"classes", "classes show WNID|INDEX|NAME  |  classes search QUERY [--wordnet] [--limit N]",
         "Show a class (names, definition, WordNet hypernym path, fine-grained neighbours), or search the classes "
         "(or, with --wordnet, all WordNet nouns) by name, wnid, index or definition.",
         [](QCommandLineParser &p) {
             p.addOption({QStringLiteral("wordnet"), QStringLiteral("Search every WordNet noun synset, not only the 1000 classes.")});
             p.addOption({QStringLiteral("limit"), QStringLiteral("At most N results (default 20)."), QStringLiteral("N")});
         },
         runClasses},
        {"demo", "demo DIR", "Create (or open) the demo project in DIR: 55 photos, two illustrative models.", nullptr, runDemo},
        {"merge", "merge TARGET SOURCE...",
         "Bring the reviews and adjudications of other projects (files or postgresql:// URIs; the same items, reviewed elsewhere) into "
         "TARGET, each with its author and time. Merging a file twice adds nothing.",
         addMergeOptions, runMerge},
        {"agreement", "agreement PROJECT [--field F] [--model M] [--by B] [--confusion A,B] [--json]",
         "Agreement between reviewers: percent agreement, Cohen's kappa per pair, Fleiss' kappa and Krippendorff's "
         "alpha with bootstrap 95% intervals, per field (verdict, category, severity, labels); reviewer statistics.",
         addAgreementOptions, runAgreement},
        {"disagreements", "disagreements PROJECT [--field F] [--model M] [--limit N] [--json]",
         "The units where reviewers differ, most disputed first, with every reviewer's answer and the final state.",
         addDisagreementsOptions, runDisagreements},
        {"adjudicate", "adjudicate PROJECT --item FILE --model M --verdict V --reviewer LEAD --reason TEXT",
         "Record a lead's final verdict on a unit, with a reason; exports and reports use it instead of the "
         "majority. --gold makes it a gold unit that scores reviewers; --withdraw returns the unit to the majority rule.",
         addAdjudicateOptions, runAdjudicate},
        {"leads", "leads PROJECT [--add NAME] [--remove NAME] [--json]",
         "List, name or remove the project's leads. While none is named anyone may adjudicate; once one is, "
         "only the leads may.",
         addLeadsOptions, runLeads},
        {"assign", "assign PROJECT --reviewers A,B,C --per-unit K [--model M] [--all-items] [--seed S] [--lead NAME] [--json]",
         "Hand out the model's units (its mistakes, or with --all-items every item it has a prediction for) so that each "
         "gets K distinct reviewers and the reviewers' loads differ by at most one; the same seed gives the same "
         "assignments. Replaces the model's earlier assignments. Once the project names leads, only a lead may assign.",
         addAssignOptions, runAssign},
        {"assignments", "assignments PROJECT [--reviewer R] [--model M] [--json]",
         "List the assignments: item, model and reviewer, one per line.", addAssignmentsOptions, runAssignments},
        {"team", "team URI list [--json]  |  team URI grant ROLE --reviewer|--lead  |  team URI revoke ROLE",
         "Who may review and who may lead a project on a PostgreSQL server. Reviewers read the project and record "
         "reviews as themselves; leads also import, adjudicate, assign, export and audit. The database administrator "
         "creates the login roles (docs/team.md).",
         addTeamOptions, runTeam},
        {"push", "push FILE URI [--json]",
         "Create a project on a PostgreSQL server from a project file, with its whole history (reviews keep their "
         "uids, so later merges recognise them), its settings and assignments. All or nothing.",
         nullptr, runPush},
        {"pull", "pull URI FILE [--json]",
         "Write a new project file holding a snapshot of a server project (a lead's command: a reviewer does not "
         "see every review). The server's leads become the file's leads.",
         nullptr, runPull},
        {"report", "report PROJECT [--model M] [--pairs N] [--json] [--html OUT] [--charts DIR]",
         "What the review changed, per model: top-1 accuracy, multi-label accuracy before and after the review, "
         "ReaL accuracy, the ImageNet-M count, the paper's Table 2 (mistake category × severity), the share of "
         "apparent mistakes that were not mistakes, and the most-confused class pairs.",
         addReportOptions, runReport},
        {"vocabulary", "vocabulary", "Print the definitions of verdicts, categories and severities.", nullptr, runVocabulary},
    };
    return list;
}

QString overview()
{
    QString text = QStringLiteral(
        "Usage: bagel-cli [--verbose] [--quiet] COMMAND [ARGS]\n\n"
        "Review the remaining mistakes of an image classifier, from the command line.\n\nCommands:\n");
    for (const Command &c : commands())
        text += QStringLiteral("  %1\n      %2\n").arg(QString::fromUtf8(c.synopsis), QString::fromUtf8(c.description));
    text += QStringLiteral("\nRun `bagel-cli COMMAND --help` for a command's options. Logs: %1\n").arg(defaultLogFilePath());
    return text;
}

} // namespace

int run(const QStringList &arguments, QTextStream &out, QTextStream &err, const ChartDrawing &charts)
{
    // The command is the first argument that is neither an option nor a global option's value.
    QString commandName;
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        if (arguments[i] == QLatin1String("--log-file")) {
            ++i;
            continue;
        }
        if (!arguments[i].startsWith(QLatin1Char('-'))) {
            commandName = arguments[i];
            break;
        }
    }

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Bagel command-line interface"));
    const QCommandLineOption helpOption(QStringList{QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show help."));
    const QCommandLineOption versionOption(QStringLiteral("version"), QStringLiteral("Show the version."));
    const QCommandLineOption verboseOption(QStringLiteral("verbose"), QStringLiteral("Log debug messages to stderr."));
    const QCommandLineOption logFileOption(QStringLiteral("log-file"), QStringLiteral("Log to FILE."), QStringLiteral("FILE"));
    const QCommandLineOption quietOption(QStringLiteral("quiet"),
                                         QStringLiteral("Draw no progress line on stderr (drawn only when stderr is a terminal)."));
    parser.addOption(helpOption);
    parser.addOption(versionOption);
    parser.addOption(verboseOption);
    parser.addOption(logFileOption);
    parser.addOption(quietOption);

    const Command *command = nullptr;
    for (const Command &c : commands()) {
        if (commandName == QLatin1String(c.name))
            command = &c;
    }
    if (command) {
        if (command->addOptions)
            command->addOptions(parser);
        if (QLatin1String(command->name) != QLatin1String("vocabulary"))
            parser.addOption(jsonOption());
    }

    if (!parser.parse(arguments)) {
        // Once the command is known, its name leads the message, as for every other error.
        err << (command ? QStringLiteral("bagel-cli %1: ").arg(QString::fromUtf8(command->name)) : QStringLiteral("bagel-cli: "))
            << parser.errorText() << '\n';
        return 2;
    }
    initLogging(LoggingOptions{parser.value(logFileOption), parser.isSet(verboseOption)});

    if (parser.isSet(versionOption)) {
        out << "bagel-cli " << BAGEL_VERSION << '\n';
        return 0;
    }
    if (!command) {
        if (parser.isSet(helpOption)) {
            out << overview();
            return 0;
        }
        if (commandName.isEmpty()) {
            err << overview();
            return 2;
        }
        err << "bagel-cli: unknown command '" << commandName << "' (run bagel-cli --help)\n";
        return 2;
    }
    if (parser.isSet(helpOption)) {
        out << "Usage: bagel-cli " << QString::fromUtf8(command->synopsis) << "\n\n" << QString::fromUtf8(command->description)
            << "\n\nOptions:\n";
        QString help = parser.helpText();
        const qsizetype options = help.indexOf(QLatin1String("Options:\n"));
        out << (options >= 0 ? help.mid(options + 9) : help);
        return 0;
    }

    Progress progress;
    Context ctx{parser, out, parser.optionNames().contains(QStringLiteral("json")), &charts, &progress};
    // The progress line goes to the process's own stderr, and only when that is a terminal.
    const auto *errFile = qobject_cast<QFile *>(err.device());
    const bool drawProgress = errFile && errFile->handle() == STDERR_FILENO
                              && ProgressLine::wanted(STDERR_FILENO, parser.isSet(quietOption));
    try {
        // A server URI may carry a password: the log shows it without.
        QStringList logged;
        for (const QString &argument : arguments.mid(1)) {
            if (!ServerLocation::isServer(argument)) {
                logged << argument;
                continue;
            }
            try {
                logged << ServerLocation::parse(argument).display;
            } catch (const Error &) {
                logged << QStringLiteral("postgresql://(not shown)");
            }
        }
        spdlog::info("bagel-cli {}", logged.join(QLatin1Char(' ')).toStdString());
        {
            std::optional<ProgressLine> line;
            if (drawProgress) {
                err.flush();
                line.emplace(progress, STDERR_FILENO);
            }
            command->run(ctx);
        } // the line is cleared before anything else is printed
        out.flush();
        return 0;
    } catch (const UsageError &e) {
        err << "bagel-cli " << command->name << ": " << QString(e.message()).replace(QLatin1Char('\n'), QLatin1Char(' ')) << '\n';
        return 2;
    } catch (const Error &e) {
        spdlog::error("{} failed: {}", command->name, e.message().toStdString());
        err << "bagel-cli " << command->name << ": " << QString(e.message()).replace(QLatin1Char('\n'), QLatin1Char(' ')) << '\n';
        return 1;
    } catch (const std::exception &e) {
        spdlog::error("{} failed: {}", command->name, e.what());
        err << "bagel-cli " << command->name << ": internal error: " << e.what() << '\n';
        return 1;
    }
}

} // namespace bagel::cli
