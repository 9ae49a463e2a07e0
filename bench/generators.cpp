#include "generators.h"

#include "catalog/classcatalog.h"

#include <QFile>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <random>
#include <stdexcept>

namespace bagel::bench {

namespace {

class Writer
{
public:
    explicit Writer(const QString &path)
        : m_file(path)
    {
        if (!m_file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            throw std::runtime_error("cannot write " + path.toStdString());
        m_buffer.reserve(1 << 20);
    }
    ~Writer() { flush(); }
    Writer &operator<<(char c)
    {
        m_buffer += c;
        return *this;
    }
    Writer &operator<<(const char *text)
    {
        m_buffer += text;
        return *this;
    }
    Writer &operator<<(const QByteArray &bytes)
    {
        m_buffer += bytes;
        if (m_buffer.size() > (1 << 20))
            flush();
        return *this;
    }
    void flush()
    {
        m_written += m_buffer.size();
        m_file.write(m_buffer);
        m_buffer.clear();
    }
    qint64 written() const { return m_written + m_buffer.size(); }

private:
    QFile m_file;
    QByteArray m_buffer;
    qint64 m_written = 0;
};

QByteArray wnid(int index)
{
    return ClassCatalog::imagenet1k().at(index).wnid.toLatin1();
}

} // namespace

void writePhoto(const QString &path, QSize size, int seed)
{
    std::mt19937 rng{unsigned(seed)};
    cv::Mat image(size.height(), size.width(), CV_8UC3);
    for (int y = 0; y < image.rows; ++y) {
        auto *row = image.ptr<cv::Vec3b>(y);
        for (int x = 0; x < image.cols; ++x)
            row[x] = cv::Vec3b(uchar((x * 255) / image.cols), uchar((y * 255) / image.rows), uchar((seed * 37) % 255));
    }
    for (int i = 0; i < 12; ++i) {
        const cv::Point centre(int(rng() % unsigned(size.width())), int(rng() % unsigned(size.height())));
        cv::circle(image, centre, int(rng() % unsigned(size.width() / 4 + 1)),
                   cv::Scalar(rng() % 255, rng() % 255, rng() % 255), cv::FILLED);
    }
    cv::Mat noise(image.size(), CV_8UC3);
    cv::randn(noise, cv::Scalar::all(0), cv::Scalar::all(12));
    image += noise;
    cv::imwrite(path.toStdString(), image, {cv::IMWRITE_JPEG_QUALITY, 90});
}

QString validationName(int i)
{
    return QStringLiteral("ILSVRC2012_val_%1.JPEG").arg(i + 1, 8, 10, QLatin1Char('0'));
}

void writeLabels(const QString &path, int items)
{
    std::mt19937 rng(1);
    Writer out(path);
    out << "file_name\twnid\tindex\n";
    for (int i = 0; i < items; ++i) {
        const int cls = int(rng() % 1000);
        out << validationName(i).toLatin1() << '\t' << wnid(cls) << '\t' << QByteArray::number(cls) << '\n';
    }
}

void writePredictionsCsv(const QString &path, int items, int models)
{
    std::mt19937 rng(2);
    Writer out(path);
    out << "file_name,model,rank,class,score\n";
    for (int m = 0; m < models; ++m) {
        const QByteArray model = "model" + QByteArray::number(m);
        for (int i = 0; i < items; ++i) {
            const QByteArray name = validationName(i).toLatin1();
            double remaining = 1.0;
            const int base = int(rng() % 995);
            for (int r = 1; r <= 5; ++r) {
                const double score = remaining * (0.4 + 0.5 * double(rng() % 1000) / 1000.0);
                remaining -= score;
                out << name << ',' << model << ',' << QByteArray::number(r) << ',' << wnid(base + r - 1) << ','
                    << QByteArray::number(score, 'g', 7) << '\n';
            }
        }
    }
}

qint64 writeTfdsJson(const QString &path, int validation, qint64 megabytes)
{
    std::mt19937 rng(3);
    Writer out(path);
    const qint64 target = megabytes * 1000 * 1000;
    // Laid out like the released file (json.dump with indent=2): one wnid per line.
    const auto list = [&](const char *name, int count) {
        QByteArray s = ",\n      \"";
        s += name;
        s += "\": [";
        for (int k = 0; k < count; ++k) {
            s += k ? ",\n        \"" : "\n        \"";
            s += wnid(int(rng() % 1000));
            s += '"';
        }
        s += count ? "\n      ]" : "]";
        return s;
    };
    const auto annotation = [&]() {
        QByteArray s = "{";
        s += list("correct", 1 + int(rng() % 2)).mid(1);
        s += list("wrong", int(rng() % 5));
        if (rng() % 8 == 0)
            s += list("unclear", 1);
        s += "\n    }";
        return s;
    };

    out << "{\n  \"initial_annots\": {\n";
    qint64 entries = 0;
    // Validation entries are spread through the file, as in the real one.
    const qint64 estimatedEntries = target / 180;
    const qint64 stride = std::max<qint64>(1, estimatedEntries / validation);
    int val = 0;
    qint64 train = 0;
    while (out.written() < target - 4096 || val < validation) {
        QByteArray key;
        if (val < validation && entries % stride == 0)
            key = validationName(val++).toLatin1();
        else
        {
            key = wnid(int(train % 1000)) + QByteArrayLiteral("_") + QByteArray::number(train) + QByteArrayLiteral(".JPEG");
            ++train;
        }
        // Distinct lists of distinct classes: draw until no class repeats within an entry.
        QByteArray value;
        for (;;) {
            value = annotation();
            bool repeated = false;
            for (qsizetype p = value.indexOf("\"n"); p >= 0 && !repeated; p = value.indexOf("\"n", p + 1)) {
                const QByteArray w = value.mid(p, 11);
                repeated = value.indexOf(w, p + 1) >= 0;
            }
            if (!repeated)
                break;
        }
        out << (entries ? ",\n    \"" : "    \"") << key << "\": " << value;
        ++entries;
    }
    out << "\n  },\n  \"problematic_images\": {\n";
    for (int i = 0; i < 1000; ++i) {
        out << (i ? ",\n" : "") << "    \"" << validationName(i * 37 % validation).toLatin1()
            << "\": {\"reason\": \"marked as problematic in the review server\", \"reviewer\": \"r\", "
               "\"server_username\": \"r\", \"time_marked\": \"2019-03-29T22:48:36.956685+00:00\", "
               "\"time_reviewed\": \"2019-03-29T22:49:32.290916+00:00\"}";
    }
    out << "\n  },\n  \"imagenet_m\": [";
    for (int i = 0; i < 68; ++i)
        out << (i ? ", \"" : "\"") << validationName(i * 701 % validation).toLatin1() << '"';
    out << "]\n}\n";
    return entries;
}

void appendReviews(Store &store, ModelId model, int reviewers, unsigned seed)
{
    std::mt19937_64 random(seed);
    std::uniform_int_distribution<int> verdict(0, 2);
    Transaction tx(store);
    QVector<ReviewerId> ids;
    for (int r = 0; r < reviewers; ++r)
        ids << store.reviewerId(QStringLiteral("reviewer-%1").arg(r), true);
    const QDateTime start = QDateTime::currentDateTimeUtc();
    qint64 n = 0;
    store.forEachItem([&](const ItemRecord &item) {
        for (const ReviewerId reviewer : ids) {
            ReviewRecord review;
            review.item = item.id;
            review.model = model;
            review.reviewer = reviewer;
            review.time = start.addMSecs(++n);
            review.verdict = Verdict(verdict(random));
            if (review.verdict == Verdict::Wrong) {
                review.category = Category::FineGrained;
                review.severity = Severity::Minor;
            }
            store.appendReview(review);
        }
    });
    tx.commit();
}

} // namespace bagel::bench
