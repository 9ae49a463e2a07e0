#include "reportcharts.h"

#include "error.h"
#include "export/outputfile.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QBuffer>
#include <QChart>
#include <QApplication>
#include <QChartView>
#include <QCoreApplication>
#include <QDir>
#include <QEvent>
#include <QFileInfo>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QPainter>
#include <QRegularExpression>
#include <QSet>
#include <QHorizontalStackedBarSeries>
#include <QSvgGenerator>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace bagel::charts {

namespace {

const QColor kMajor(0xb2, 0x43, 0x2f);
const QColor kMinor(0xe6, 0xb8, 0x6a);
const QColor kNoSeverity(0x9e, 0x9e, 0x9e);
const QColor kOpen(0x6f, 0x8f, 0xaf);
const QColor kCount(0x2f, 0x5f, 0x98);
const QColor kShare(0xb2, 0x43, 0x2f);

QString categoryLabel(Category c)
{
    switch (c) {
    case Category::FineGrained:
        return QStringLiteral("fine-grained");
    case Category::FineGrainedOov:
        return QStringLiteral("fine-grained OOV");
    case Category::SpuriousCorrelation:
        return QStringLiteral("spurious correlation");
    case Category::NonPrototypical:
        return QStringLiteral("non-prototypical");
    case Category::Other:
        return QStringLiteral("other");
    }
    return {};
}

std::unique_ptr<QChart> newChart(const QString &title)
{
    auto chart = std::make_unique<QChart>();
    chart->setTitle(title);
    QFont font = chart->titleFont();
    font.setPointSizeF(font.pointSizeF() * 1.15);
    font.setBold(true);
    chart->setTitleFont(font);
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setBackgroundRoundness(0);
    chart->legend()->setAlignment(Qt::AlignBottom);
    return chart;
}

/** The smallest of 1, 2, 5 × 10^k at or above \a value: a round tick interval. */
double niceCeiling(double value)
{
    if (value <= 0)
        return 1;
    const double magnitude = std::pow(10.0, std::floor(std::log10(value)));
    for (const double step : {1.0, 2.0, 5.0, 10.0}) {
        if (value <= step * magnitude)
            return step * magnitude;
    }
    return 10 * magnitude;
}

/** Draws \a chart (taken over) at \a size on \a painter, laid out as a view of that size lays it out. */
void draw(std::unique_ptr<QChart> chart, QPainter &painter, QSize size)
{
    if (!qobject_cast<QApplication *>(QCoreApplication::instance()))
        throw Error(QStringLiteral("drawing a chart needs the graphical application object"));
    QChartView view(chart.release()); // the view owns the chart from here on
    view.setRenderHint(QPainter::Antialiasing);
    view.setFrameShape(QFrame::NoFrame);
    view.setAttribute(Qt::WA_DontShowOnScreen);
    view.resize(size);
    view.show();
    // Only the layout requests (axes, legend): other posted events, such as a worker's result
    // arriving, must not run in the middle of drawing.
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    view.render(&painter, QRectF(QPointF(), QSizeF(size)), QRect(QPoint(), size)); // the scene as the view shows it
}

/** \a chart as QSvgGenerator writes it. */
QByteArray rawSvg(std::unique_ptr<QChart> chart, QSize size)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QSvgGenerator generator;
    generator.setOutputDevice(&buffer);
    generator.setSize(size);
    generator.setViewBox(QRect(QPoint(), size));
    generator.setResolution(96); // so that the size in millimetres is the size in CSS pixels
    generator.setTitle(chart->title().toHtmlEscaped()); // the generator writes the title as it is given
    generator.setDescription(QStringLiteral("Bagel report chart"));
    QPainter painter(&generator);
    painter.setRenderHint(QPainter::Antialiasing);
    draw(std::move(chart), painter, size);
    painter.end();
    return bytes;
}

} // namespace

QString title(Kind kind, const ModelReport &model)
{
    switch (kind) {
    case Kind::Table2:
        return QCoreApplication::translate("ReportCharts", "%1: mistakes by category and severity (Table 2)").arg(model.name);
    case Kind::ConfusedPairs:
        return QCoreApplication::translate("ReportCharts", "%1: mistakes per confused class pair, by rank").arg(model.name);
    }
    return {};
}

QString fileStem(Kind kind, const ModelReport &model)
{
    QString stem;
    for (const QChar c : model.name)
        stem += c.isLetterOrNumber() || c == QLatin1Char('-') || c == QLatin1Char('_') || c == QLatin1Char('.') ? c : QLatin1Char('_');
    if (stem.isEmpty() || stem.startsWith(QLatin1Char('.')))
        stem.prepend(QLatin1String("model"));
    return stem + (kind == Kind::Table2 ? QLatin1String("-table2") : QLatin1String("-confused-pairs"));
}

std::unique_ptr<QChart> table2Chart(const ModelReport &model)
{
    auto chart = newChart(title(Kind::Table2, model));
    // Horizontal bars: the categories' names read in full, the most common on top.
    auto *series = new QHorizontalStackedBarSeries;
    auto *major = new QBarSet(QCoreApplication::translate("ReportCharts", "major"));
    auto *minor = new QBarSet(QCoreApplication::translate("ReportCharts", "minor (borderline included)"));
    auto *none = new QBarSet(QCoreApplication::translate("ReportCharts", "no severity agreed"));
    auto *open = new QBarSet(QCoreApplication::translate("ReportCharts", "open: the reviewers tie"));
    major->setColor(kMajor);
    minor->setColor(kMinor);
    none->setColor(kNoSeverity);
    open->setColor(kOpen);
    // The rows of Table 2 the window and the files show, less the total; a row of mistakes
    // without a category and one of open units only when there are some.
    QVector<Table2Row> rows = table2Rows(model, false);
    rows.removeIf([](const Table2Row &row) { return row.kind == Table2Row::Kind::Total; });
    QStringList categories;
    qint64 highest = 0;
    qint64 withoutSeverity = 0;
    for (auto row = rows.crbegin(); row != rows.crend(); ++row) { // the first row is drawn at the top
        const SeverityCounts &c = row->counts;
        const bool isOpen = row->kind == Table2Row::Kind::Open;
        categories << QStringLiteral("%1 (%2)").arg(row->category ? categoryLabel(*row->category) : row->label).arg(c.total);
        *major << double(isOpen ? 0 : c.major);
        *minor << double(isOpen ? 0 : c.minor);
        *none << double(isOpen ? 0 : c.total - c.major - c.minor);
        *open << double(isOpen ? c.total : 0);
        if (!isOpen)
            withoutSeverity += c.total - c.major - c.minor;
        highest = std::max(highest, c.total);
    }
    series->append(major);
    series->append(minor);
    for (QBarSet *set : {none, open}) {
        if ((set == none ? withoutSeverity : model.mistakesOpen) > 0)
            series->append(set);
        else
            delete set;
    }
    series->setBarWidth(0.6);
    series->setLabelsVisible(true);
    series->setLabelsFormat(QStringLiteral("@value"));
    series->setLabelsPosition(QAbstractBarSeries::LabelsCenter);
    chart->addSeries(series);

    auto *y = new QBarCategoryAxis;
    y->append(categories);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(y);
    auto *x = new QValueAxis;
    const double interval = std::max(1.0, niceCeiling(double(highest) / 6.0));
    x->setRange(0, std::max(1.0, std::ceil(double(highest) * 1.02 / interval)) * interval);
    x->setTickType(QValueAxis::TicksDynamic);
    x->setTickAnchor(0);
    x->setTickInterval(interval);
    x->setLabelFormat(QStringLiteral("%d"));
    const qint64 noSeverity = model.table2Total.total - model.table2Total.major - model.table2Total.minor;
    QString axisTitle = (noSeverity > 0 ? QCoreApplication::translate("ReportCharts", "mistakes: %1 wrong (%2 major, %3 minor, %4 without a severity agreed)")
                                              .arg(model.table2Total.total)
                                              .arg(model.table2Total.major)
                                              .arg(model.table2Total.minor)
                                              .arg(noSeverity)
                                        : QCoreApplication::translate("ReportCharts", "mistakes: %1 wrong (%2 major, %3 minor)")
                                              .arg(model.table2Total.total)
                                              .arg(model.table2Total.major)
                                              .arg(model.table2Total.minor));
    if (model.mistakesOpen)
        axisTitle += QCoreApplication::translate("ReportCharts", ", %1 open").arg(model.mistakesOpen);
    if (model.mistakesUnreviewed)
        axisTitle += QCoreApplication::translate("ReportCharts", "; %1 not reviewed, not drawn").arg(model.mistakesUnreviewed);
    x->setTitleText(axisTitle);
    chart->addAxis(x, Qt::AlignBottom);
    series->attachAxis(x);
    return chart;
}

std::unique_ptr<QChart> confusedPairsChart(const ModelReport &model)
{
    const QVector<ConfusedPair> &pairs = model.confusedPairs;
    qint64 total = 0;
    qint64 highest = 0;
    for (const ConfusedPair &p : pairs) {
        total += p.count;
        highest = std::max(highest, p.count);
    }
    auto chart = newChart(title(Kind::ConfusedPairs, model));
    auto *counts = new QLineSeries;
    counts->setName(QCoreApplication::translate("ReportCharts", "mistakes of the pair"));
    counts->setColor(kCount);
    auto *share = new QLineSeries;
    share->setName(QCoreApplication::translate("ReportCharts", "cumulative share of all %1 mistakes").arg(total));
    share->setColor(kShare);
    QPen dashed = share->pen();
    dashed.setStyle(Qt::DashLine);
    dashed.setWidthF(1.5);
    share->setPen(dashed);
    // The pairs come most frequent first, so the counts fall in runs of equal values. A run
    // needs only its ends for the counts; the cumulative share grows linearly along it, which
    // the logarithmic rank axis bends, so long runs get points spaced evenly on that axis.
    const auto point = [&](qsizetype rank, qint64 count, qint64 before) {
        counts->append(double(rank), double(count));
        share->append(double(rank), 100.0 * double(before) / double(total));
    };
    qint64 running = 0;
    for (qsizetype i = 0; i < pairs.size();) {
        qsizetype j = i;
        while (j + 1 < pairs.size() && pairs[j + 1].count == pairs[i].count)
            ++j;
        const qint64 count = pairs[i].count;
        point(i + 1, count, running + count);
        constexpr double kStep = 1.06; // about 40 points a decade
        qsizetype last = i + 1;
        for (double rank = double(i + 1) * kStep; rank < double(j + 1); rank *= kStep) {
            const qsizetype r = qsizetype(rank);
            if (r > last && r < j + 1) {
                point(r, count, running + count * qint64(r - i));
                last = r;
            }
        }
        running += count * qint64(j - i + 1);
        if (j > i)
            point(j + 1, count, running);
        i = j + 1;
    }
    counts->setPointsVisible(pairs.size() <= 60);
    chart->addSeries(counts);
    chart->addSeries(share);

    auto *rank = new QLogValueAxis;
    rank->setBase(10);
    rank->setRange(1, std::max(10.0, niceCeiling(double(pairs.size()))));
    rank->setLabelFormat(QStringLiteral("%g"));
    rank->setMinorTickCount(8);
    rank->setTitleText(QCoreApplication::translate("ReportCharts", "rank of the pair (label → prediction), most frequent first; %1 pairs").arg(pairs.size()));
    chart->addAxis(rank, Qt::AlignBottom);
    counts->attachAxis(rank);
    share->attachAxis(rank);

    // A log scale for counts only pays when they span more than a decade or so.
    QAbstractAxis *countAxis = nullptr;
    if (highest >= 20) {
        auto *log = new QLogValueAxis;
        log->setBase(10);
        log->setRange(1, niceCeiling(double(highest)));
        log->setLabelFormat(QStringLiteral("%g"));
        log->setMinorTickCount(8);
        countAxis = log;
    } else {
        auto *linear = new QValueAxis;
        linear->setRange(0, double(std::max<qint64>(highest, 1)) + 1);
        linear->setTickType(QValueAxis::TicksDynamic);
        linear->setTickAnchor(0);
        linear->setTickInterval(highest > 10 ? 2 : 1);
        linear->setLabelFormat(QStringLiteral("%d"));
        countAxis = linear;
    }
    countAxis->setTitleText(QCoreApplication::translate("ReportCharts", "mistakes of the pair"));
    countAxis->setLinePenColor(kCount);
    countAxis->setLabelsColor(kCount);
    chart->addAxis(countAxis, Qt::AlignLeft);
    counts->attachAxis(countAxis);

    auto *percent = new QValueAxis;
    percent->setRange(0, 100);
    percent->setTickCount(6);
    percent->setLabelFormat(QStringLiteral("%d %%"));
    percent->setTitleText(QCoreApplication::translate("ReportCharts", "cumulative share of the mistakes"));
    percent->setLinePenColor(kShare);
    percent->setLabelsColor(kShare);
    percent->setGridLineVisible(false);
    chart->addAxis(percent, Qt::AlignRight);
    share->attachAxis(percent);
    return chart;
}

std::unique_ptr<QChart> chart(Kind kind, const ModelReport &model)
{
    return kind == Kind::Table2 ? table2Chart(model) : confusedPairsChart(model);
}

QImage renderImage(std::unique_ptr<QChart> chart, QSize size, qreal devicePixelRatio)
{
    QImage image(size * devicePixelRatio, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(devicePixelRatio);
    image.fill(Qt::white);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    draw(std::move(chart), painter, size);
    painter.end();
    return image;
}

QByteArray renderSvg(std::unique_ptr<QChart> chart, QSize size)
{
    const QByteArray raw = rawSvg(std::move(chart), size);
    // The generator leaves a group for every state change, most of them empty: a tenth of the size without them.
    QString svg = QString::fromUtf8(raw);
    static const QRegularExpression emptyGroup(QStringLiteral("<g\\b[^>]*>\\s*</g>\\s*"));
    qsizetype before = -1;
    while (before != svg.size()) {
        before = svg.size();
        svg.remove(emptyGroup);
    }
    return svg.toUtf8();
}

void save(std::unique_ptr<QChart> chart, const QString &path, QSize size)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != QLatin1String("png") && suffix != QLatin1String("svg"))
        throw Error(QStringLiteral("%1: a chart is saved as .png or .svg").arg(path));
    // Refuses any project file open in this program (the one the report is of), a folder, …
    OutputFile file(path, QString());
    QByteArray bytes;
    if (suffix == QLatin1String("svg")) {
        bytes = renderSvg(std::move(chart), size);
    } else {
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        if (!renderImage(std::move(chart), size).save(&buffer, "PNG"))
            throw Error(QStringLiteral("%1: cannot encode the chart as PNG").arg(path));
    }
    file.write(bytes);
    file.commit();
}

QVector<HtmlChart> htmlCharts(const Report &report)
{
    QVector<HtmlChart> out;
    for (const ModelReport &m : report.models) {
        for (const Kind kind : {Kind::Table2, Kind::ConfusedPairs})
            out << HtmlChart{m.name, title(kind, m), QString::fromUtf8(renderSvg(chart(kind, m)))};
    }
    return out;
}

QStringList saveAll(const Report &report, const QString &folder)
{
    if (!QDir().mkpath(folder))
        throw Error(QStringLiteral("%1: cannot create the folder").arg(folder));
    QStringList written;
    QSet<QString> stems;
    for (const ModelReport &m : report.models) {
        for (const Kind kind : {Kind::Table2, Kind::ConfusedPairs}) {
            // Two model names may come out the same once made safe ("a/b", "a_b"): number them.
            QString stem = fileStem(kind, m);
            for (int n = 2; stems.contains(stem); ++n)
                stem = fileStem(kind, m) + QStringLiteral("-%1").arg(n);
            stems.insert(stem);
            for (const char *suffix : {".png", ".svg"}) {
                const QString path = QDir(folder).filePath(stem + QLatin1String(suffix));
                save(chart(kind, m), path);
                written << path;
            }
        }
    }
    return written;
}

} // namespace bagel::charts
