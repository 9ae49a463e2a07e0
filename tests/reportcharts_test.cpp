// The report's charts (Qt Charts) and the Reports window, on the paper's released mistakes and
// on the demo project, drawn on the offscreen platform.

#include "catalog/classcatalog.h"
#include "demo.h"
#include "error.h"
#include "imageview.h"
#include "import/importer.h"
#include "mainwindow.h"
#include "project.h"
#include "report/htmlreport.h"
#include "reportcharts.h"
#include "reportwindow.h"
#include "review/queuelistmodel.h"
#include "settings.h"
#include "testsupport.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QHorizontalStackedBarSeries>
#include <QImageReader>
#include <QLabel>
#include <QLineSeries>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSvgRenderer>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <QXmlStreamReader>

#include <gtest/gtest.h>

using namespace bagel;

namespace {

std::unique_ptr<Project> paperProject(const test::TempDir &dir, const QStringList &files)
{
    auto project = Project::create(dir.path(QStringLiteral("paper.bagel")));
    ImportOptions options;
    options.labelsFile = test::testData(QStringLiteral("imagenet/val_labels.tsv"));
    for (const QString &file : files)
        importFile(*project, ImportFormat::PaperMistakes, test::testData(QStringLiteral("paper/") + file), options);
    return project;
}

/** How many pixels of \a image are close to \a colour. */
qint64 pixelsOf(const QImage &image, const QColor &colour)
{
    const QImage rgb = image.convertToFormat(QImage::Format_RGB32);
    qint64 n = 0;
    for (int y = 0; y < rgb.height(); ++y) {
        const auto *line = reinterpret_cast<const QRgb *>(rgb.constScanLine(y));
        for (int x = 0; x < rgb.width(); ++x) {
            n += std::abs(qRed(line[x]) - colour.red()) < 8 && std::abs(qGreen(line[x]) - colour.green()) < 8
                 && std::abs(qBlue(line[x]) - colour.blue()) < 8;
        }
    }
    return n;
}

const QColor kMajor(0xb2, 0x43, 0x2f);
const QColor kMinor(0xe6, 0xb8, 0x6a);

/** A model with \a pairs confused pairs whose counts fall in a few long runs (a long tail). */
ModelReport longTail(qsizetype pairs)
{
    ModelReport m;
    m.name = QStringLiteral("tail");
    for (qsizetype i = 0; i < pairs; ++i) {
        const qint64 count = i < 3 ? 40 - i : (i < 50 ? 7 : (i < 1000 ? 2 : 1));
        m.confusedPairs << ConfusedPair{int(i % 1000), int((i / 1000 + 1 + i % 1000) % 1000), count};
    }
    return m;
}

} // namespace

TEST(ReportCharts, Table2ChartHoldsThePapersCountsForViT3B)
{
    test::TempDir dir;
    const auto project = paperProject(dir, {QStringLiteral("vit3b_mistakes.json")});
    const Report report = computeReport(*project);
    ASSERT_EQ(report.models.size(), 1);
    const ModelReport &m = report.models.first();
    const auto chart = charts::table2Chart(m);
    ASSERT_EQ(chart->series().size(), 1);
    auto *series = qobject_cast<QHorizontalStackedBarSeries *>(chart->series().first());
    ASSERT_NE(series, nullptr);
    ASSERT_EQ(series->count(), 2) << "major and minor; no bar for severities nobody left out";
    const QBarSet *major = series->barSets()[0];
    const QBarSet *minor = series->barSets()[1];
    // The categories run bottom to top, so the paper's first row is the last bar.
    const qint64 expected[5][2] = {{87, 154}, {22, 32}, {37, 15}, {7, 23}, {1, 0}};
    for (int c = 0; c < 5; ++c) {
        EXPECT_EQ(major->at(4 - c), double(expected[c][0])) << c;
        EXPECT_EQ(minor->at(4 - c), double(expected[c][1])) << c;
    }
    auto *axis = qobject_cast<QBarCategoryAxis *>(chart->axes(Qt::Vertical).value(0));
    ASSERT_NE(axis, nullptr);
    EXPECT_EQ(axis->categories().last(), QStringLiteral("fine-grained (241)"));
    EXPECT_EQ(axis->categories().first(), QStringLiteral("other (1)"));
    EXPECT_TRUE(chart->axes(Qt::Horizontal).value(0)->titleText().contains(QStringLiteral("378 wrong (154 major, 224 minor)")));
}

TEST(ReportCharts, Table2ChartShowsMistakesWithoutASeverity)
{
    ModelReport m;
    m.name = QStringLiteral("m");
    m.table2[0] = SeverityCounts{2, 1, 5};
    m.table2Total = SeverityCounts{2, 1, 5};
    const auto chart = charts::table2Chart(m);
    auto *series = qobject_cast<QHorizontalStackedBarSeries *>(chart->series().first());
    ASSERT_EQ(series->count(), 3);
    EXPECT_EQ(series->barSets()[2]->at(4), 2.0) << "5 mistakes, 2 major, 1 minor: 2 without a severity";
    // The axis title adds up: the mistakes without a severity are named beside major and minor.
    const QString title = chart->axes(Qt::Horizontal).value(0)->titleText();
    EXPECT_TRUE(title.contains(QStringLiteral("5 wrong (2 major, 1 minor, 2 without a severity agreed)"))) << title.toStdString();
}

TEST(ReportCharts, LongTailPointsAreExactAtEveryPointAndFewForManyPairs)
{
    const ModelReport m = longTail(20000);
    qint64 total = 0;
    for (const ConfusedPair &p : m.confusedPairs)
        total += p.count;
    const auto chart = charts::confusedPairsChart(m);
    ASSERT_EQ(chart->series().size(), 2);
    auto *counts = qobject_cast<QLineSeries *>(chart->series()[0]);
    auto *share = qobject_cast<QLineSeries *>(chart->series()[1]);
    ASSERT_TRUE(counts && share);
    EXPECT_LT(counts->count(), 600) << "20,000 pairs in four runs need a few points a decade, not one a pair";
    ASSERT_EQ(counts->count(), share->count());
    qint64 running = 0;
    qsizetype seen = 0;
    for (int i = 0; i < counts->count(); ++i) {
        const QPointF c = counts->at(i);
        const QPointF s = share->at(i);
        const auto rank = qsizetype(c.x());
        ASSERT_EQ(double(rank), c.x());
        ASSERT_GE(rank, 1);
        ASSERT_GT(rank, seen) << "ranks grow";
        while (seen < rank)
            running += m.confusedPairs[seen++].count;
        EXPECT_EQ(c.y(), double(m.confusedPairs[rank - 1].count)) << rank;
        EXPECT_NEAR(s.y(), 100.0 * double(running) / double(total), 1e-9) << rank;
    }
    EXPECT_EQ(counts->at(0), QPointF(1, 40));
    EXPECT_EQ(counts->at(counts->count() - 1).x(), 20000.0) << "the last pair is drawn";
    EXPECT_NEAR(share->at(share->count() - 1).y(), 100.0, 1e-9);
}

TEST(ReportCharts, AModelWithoutMistakesStillGivesACompleteChart)
{
    ModelReport m;
    m.name = QStringLiteral("perfect");
    const auto chart = charts::confusedPairsChart(m);
    EXPECT_EQ(qobject_cast<QLineSeries *>(chart->series()[0])->count(), 0);
    const QImage image = charts::renderImage(charts::confusedPairsChart(m), QSize(400, 300), 1.0);
    EXPECT_EQ(image.size(), QSize(400, 300));
    const QImage bars = charts::renderImage(charts::table2Chart(m), QSize(400, 300), 1.0);
    EXPECT_LT(pixelsOf(bars, kMajor), 500) << "the legend's swatch only, no bar";
}

TEST(ReportCharts, PngAndSvgDrawTheSameBars)
{
    test::TempDir dir;
    const auto project = paperProject(dir, {QStringLiteral("vit3b_mistakes.json")});
    const Report report = computeReport(*project);
    const ModelReport &m = report.models.first();

    const QString png = dir.path(QStringLiteral("t2.png"));
    const QString svg = dir.path(QStringLiteral("t2.svg"));
    charts::save(charts::table2Chart(m), png);
    charts::save(charts::table2Chart(m), svg);

    QImageReader reader(png);
    EXPECT_EQ(reader.format(), "png");
    const QImage image = reader.read();
    ASSERT_FALSE(image.isNull()) << reader.errorString().toStdString();
    EXPECT_EQ(image.size(), charts::kFileSize * 2) << "drawn at twice the size, for sharp print";

    QFile file(svg);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const QByteArray svgBytes = file.readAll();
    QXmlStreamReader xml(svgBytes);
    int texts = 0;
    QStringList words;
    while (!xml.atEnd()) {
        if (xml.readNext() == QXmlStreamReader::StartElement && xml.name() == QLatin1String("text")) {
            ++texts;
            words << xml.readElementText();
        }
    }
    EXPECT_FALSE(xml.hasError()) << xml.errorString().toStdString();
    EXPECT_GT(texts, 10) << "labels stay text in the SVG";
    EXPECT_TRUE(words.join(QLatin1Char(' ')).contains(QStringLiteral("fine-grained (241)"))) << words.join(QLatin1Char('|')).toStdString();
    EXPECT_FALSE(svgBytes.contains("<g fill=\"none\" stroke=\"black\" stroke-width=\"1\" fill-rule=\"evenodd\" stroke-linecap=\"square\" stroke-linejoin=\"bevel\" >\n</g>"));

    // The SVG, drawn by Qt's own renderer, has the same share of major and minor colour as the PNG.
    QSvgRenderer renderer(svgBytes);
    ASSERT_TRUE(renderer.isValid());
    QImage fromSvg(charts::kFileSize * 2, QImage::Format_ARGB32_Premultiplied);
    fromSvg.fill(Qt::white);
    QPainter painter(&fromSvg);
    renderer.render(&painter);
    painter.end();
    const double pngMajor = double(pixelsOf(image, kMajor));
    const double svgMajor = double(pixelsOf(fromSvg, kMajor));
    const double pngMinor = double(pixelsOf(image, kMinor));
    const double svgMinor = double(pixelsOf(fromSvg, kMinor));
    ASSERT_GT(pngMajor, 10000);
    EXPECT_NEAR(svgMajor / pngMajor, 1.0, 0.05);
    EXPECT_NEAR(svgMinor / pngMinor, 1.0, 0.05);
    // 154 major of 378 in all: the bars' areas follow the counts (the legend's swatches aside).
    EXPECT_NEAR(pngMajor / (pngMajor + pngMinor), 154.0 / 378.0, 0.02);
}

TEST(ReportCharts, SavingRefusesOtherFormatsAndLeavesNoHalfFile)
{
    test::TempDir dir;
    ModelReport m;
    m.name = QStringLiteral("m");
    const QString jpeg = dir.path(QStringLiteral("chart.jpg"));
    try {
        charts::save(charts::table2Chart(m), jpeg);
        FAIL() << "a .jpg was written";
    } catch (const Error &e) {
        EXPECT_TRUE(e.message().contains(jpeg)) << e.message().toStdString();
    }
    EXPECT_FALSE(QFile::exists(jpeg));
    const QString nowhere = dir.path(QStringLiteral("missing/folder/chart.png"));
    EXPECT_THROW(charts::save(charts::table2Chart(m), nowhere), Error);
    EXPECT_FALSE(QFile::exists(nowhere));
}

TEST(ReportCharts, SaveAllNamesFilesByModelAndNeverOverwritesOneWithAnother)
{
    test::TempDir dir;
    Report report;
    for (const char *name : {"vit/3b", "vit_3b", "<b>"}) {
        ModelReport m;
        m.name = QString::fromUtf8(name);
        m.confusedPairs << ConfusedPair{1, 2, 3};
        report.models << m;
    }
    const QString folder = dir.path(QStringLiteral("charts"));
    const QStringList files = charts::saveAll(report, folder);
    EXPECT_EQ(files.size(), 12);
    QStringList names = QDir(folder).entryList(QDir::Files, QDir::Name);
    EXPECT_EQ(names.size(), 12) << names.join(QLatin1Char(' ')).toStdString();
    EXPECT_TRUE(names.contains(QStringLiteral("vit_3b-table2.png")));
    EXPECT_TRUE(names.contains(QStringLiteral("vit_3b-table2-2.svg")));
    EXPECT_TRUE(names.contains(QStringLiteral("_b_-confused-pairs.png")));
    for (const QString &path : files) {
        EXPECT_GT(QFileInfo(path).size(), 1000) << path.toStdString();
        if (!path.endsWith(QLatin1String(".svg")))
            continue;
        QFile file(path);
        ASSERT_TRUE(file.open(QIODevice::ReadOnly));
        QXmlStreamReader xml(&file);
        while (!xml.atEnd())
            xml.readNext();
        EXPECT_FALSE(xml.hasError()) << path.toStdString() << ": " << xml.errorString().toStdString() << " (a model's name is escaped in the title too)";
    }
}

TEST(ReportCharts, TheHtmlReportEmbedsEveryChartAsAnImageAndNoMarkupFromNames)
{
    test::TempDir dir;
    auto project = Project::create(dir.path(QStringLiteral("p.bagel")));
    importFile(*project, ImportFormat::Labels, test::writeFile(dir.path(QStringLiteral("l.tsv")), "file_name\tindex\na.JPEG\t0\nb.JPEG\t1\n"));
    importFile(*project, ImportFormat::Predictions,
               test::writeFile(dir.path(QStringLiteral("p.csv")),
                               "file_name,model,rank,class,score\n"
                               "a.JPEG,<img src=x onerror=alert(1)>,1,5,0.9\nb.JPEG,<img src=x onerror=alert(1)>,1,7,0.9\n"
                               "a.JPEG,plain,1,5,0.9\nb.JPEG,plain,1,1,0.9\n"));
    const Report report = computeReport(*project);
    ASSERT_EQ(report.models.size(), 2);
    const QVector<HtmlChart> charts = charts::htmlCharts(report);
    ASSERT_EQ(charts.size(), 4);
    const QString out = dir.path(QStringLiteral("report.html"));
    writeHtmlReport(*project, report, out, charts);
    QFile file(out);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const QString html = QString::fromUtf8(file.readAll());
    // Each chart an image: an SVG document in a data URI, which draws in QSvgRenderer.
    static const QRegularExpression image(QStringLiteral("<img alt=\"([^\"]*)\" src=\"data:image/svg\\+xml;base64,([A-Za-z0-9+/=]+)\">"));
    int images = 0;
    for (const QRegularExpressionMatch &m : image.globalMatch(html)) {
        ++images;
        const QByteArray svg = QByteArray::fromBase64(m.captured(2).toLatin1());
        EXPECT_TRUE(QSvgRenderer(svg).isValid()) << m.captured(1).toStdString();
    }
    EXPECT_EQ(images, 4);
    EXPECT_FALSE(html.contains(QStringLiteral("<img src=x"))) << "a model's name is text, in the tables and the captions";
    EXPECT_TRUE(html.contains(QStringLiteral("&lt;img src=x onerror=alert(1)&gt;: mistakes by category")));
    // Each model's charts sit in its own section.
    const qsizetype plain = html.indexOf(QStringLiteral("<h2>Model plain"));
    ASSERT_GT(plain, 0);
    EXPECT_GT(html.indexOf(QStringLiteral("<figcaption>plain: mistakes by category"), plain), plain);
}

namespace {

class ReportsWindow : public ::testing::Test
{
protected:
    void SetUp() override
    {
        projectPath = createDemoProject(dir.path(QStringLiteral("demo")))->path();
        settings = std::make_unique<Settings>(dir.path(QStringLiteral("bagel.ini")));
        settings->setReviewer(QStringLiteral("ann"));
    }

    test::TempDir dir;
    QString projectPath;
    std::unique_ptr<Settings> settings;
};

} // namespace

TEST_F(ReportsWindow, ShowsTheReportOfEveryModelAndTheChartsOfTheOneChosen)
{
    const auto project = paperProject(dir, {QStringLiteral("vit3b_mistakes.json"), QStringLiteral("greedy_soups_mistakes.json")});
    ReportWindow window;
    window.setProject(project.get());
    window.waitForResults();
    ASSERT_TRUE(window.report());
    ASSERT_EQ(window.modelBox()->count(), 2);
    EXPECT_EQ(window.figuresTable()->columnCount(), 3) << "a column per model";

    for (int index = 0; index < 2; ++index) {
        window.modelBox()->setCurrentIndex(index);
        const ModelReport *m = window.currentModel();
        ASSERT_NE(m, nullptr);
        EXPECT_EQ(m->name, window.modelBox()->currentText());
        const int total = m->name == QLatin1String("vit3b") ? 378 : 249;
        EXPECT_EQ(window.table2Table()->item(5, 0)->text(), QStringLiteral("no category agreed"));
        EXPECT_EQ(window.table2Table()->item(6, 0)->text(), QStringLiteral("total"));
        EXPECT_EQ(window.table2Table()->item(6, 3)->text(), QString::number(total));
        for (int c = 0; c < 5; ++c) {
            const SeverityCounts &row = m->table2[std::size_t(c)];
            EXPECT_EQ(window.table2Table()->item(c, 1)->text(), QString::number(row.major));
            EXPECT_EQ(window.table2Table()->item(c, 2)->text(), QString::number(row.minor));
            EXPECT_EQ(window.table2Table()->item(c, 3)->text(), QString::number(row.total));
        }
        EXPECT_EQ(window.pairsTable()->model()->rowCount(), m->confusedPairs.size());
        EXPECT_TRUE(window.table2View()->chart()->title().startsWith(m->name));
        auto *counts = qobject_cast<QLineSeries *>(window.pairsView()->chart()->series().value(0));
        ASSERT_NE(counts, nullptr);
        EXPECT_EQ(counts->at(0).y(), double(m->confusedPairs.first().count));
    }

    const QString png = dir.path(QStringLiteral("pairs.png"));
    window.saveChart(charts::Kind::ConfusedPairs, png);
    EXPECT_FALSE(QImage(png).isNull());
    const QString svg = dir.path(QStringLiteral("t2.svg"));
    window.saveChart(charts::Kind::Table2, svg);
    EXPECT_TRUE(QSvgRenderer(svg).isValid());

    const QString html = dir.path(QStringLiteral("report.html"));
    window.saveHtml(html);
    window.waitForResults();
    EXPECT_TRUE(window.statusLabel()->text().startsWith(QStringLiteral("Saved"))) << window.statusLabel()->text().toStdString();
    QFile file(html);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    EXPECT_EQ(QString::fromUtf8(file.readAll()).count(QStringLiteral("src=\"data:image/svg+xml;base64,")), 4);
}

TEST_F(ReportsWindow, AConfusedPairOpensItsItemsInTheReviewQueue)
{
    MainWindow window(*settings);
    window.resize(1200, 800);
    window.show();
    ASSERT_TRUE(window.openProject(projectPath));
    window.showReports();
    ReportWindow *reports = window.reportWindow();
    ASSERT_NE(reports, nullptr);
    reports->waitForResults();
    ASSERT_TRUE(reports->report());
    const ModelReport *m = reports->currentModel();
    ASSERT_NE(m, nullptr);
    ASSERT_FALSE(m->confusedPairs.isEmpty()) << "the demo has mistakes";
    const ConfusedPair pair = m->confusedPairs.first();

    QSignalSpy asked(reports, &ReportWindow::openPairRequested);
    QTableView *table = reports->pairsTable();
    const QModelIndex first = table->model()->index(0, 2);
    table->setCurrentIndex(first);
    Q_EMIT table->activated(first); // what a double-click or Return does
    ASSERT_EQ(asked.size(), 1);
    EXPECT_EQ(asked[0][0].toString(), m->name);

    QueueListModel *queue = window.queueModel();
    ASSERT_GE(queue->rowCount(), int(pair.count));
    for (int i = 0; i < queue->rowCount(); ++i) {
        EXPECT_EQ(queue->rowAt(i)->originalLabel, pair.label);
        EXPECT_EQ(queue->rowAt(i)->top1, pair.prediction);
    }
    EXPECT_FALSE(window.currentFileName().isEmpty()) << "the first item of the pair is shown";

    // The lead rules every item of the pair correct: read again, the pair is gone.
    {
        auto project = Project::open(projectPath);
        for (int i = 0; i < queue->rowCount(); ++i) {
            AdjudicationInput a;
            a.fileName = queue->rowAt(i)->fileName;
            a.model = m->name;
            a.lead = QStringLiteral("lee");
            a.verdict = Verdict::Correct;
            a.reason = QStringLiteral("both objects are in the picture");
            project->adjudicate(a);
        }
    }
    const QString model = m->name;
    reports->refresh();
    reports->waitForResults();
    const ModelReport *after = reports->currentModel();
    ASSERT_NE(after, nullptr);
    ASSERT_EQ(after->name, model);
    for (const ConfusedPair &p : after->confusedPairs)
        EXPECT_FALSE(p.label == pair.label && p.prediction == pair.prediction) << "still counted " << p.count;
    EXPECT_EQ(reports->pairsTable()->model()->rowCount(), after->confusedPairs.size());
}
