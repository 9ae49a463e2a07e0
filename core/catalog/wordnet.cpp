#include "wordnet.h"

#include "classcatalog.h"

#include <QFile>
#include <QFileInfo>

#include <charconv>

namespace bagel {

namespace {

/** Splits off the next space-separated token of \a rest. */
std::string_view nextToken(std::string_view &rest)
{
    const std::size_t start = rest.find_first_not_of(' ');
    if (start == std::string_view::npos) {
        rest = {};
        return {};
    }
    rest.remove_prefix(start);
    const std::size_t end = rest.find(' ');
    const std::string_view token = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
    return token;
}

template<typename T>
bool toNumber(std::string_view token, T *value, int base = 10)
{
    if (token.empty())
        return false;
    const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), *value, base);
    return ec == std::errc() && ptr == token.data() + token.size();
}

} // namespace

QString Synset::wnid() const
{
    return wnidFromOffset(offset);
}

std::optional<Synset> parseSynsetLine(std::string_view line)
{
    if (line.empty() || line.front() == ' ')
        return std::nullopt; // licence header lines start with spaces

    Synset s;
    const std::size_t bar = line.find(" | ");
    std::string_view rest = line.substr(0, bar);
    if (bar != std::string_view::npos) {
        std::string_view gloss = line.substr(bar + 3);
        while (!gloss.empty() && (gloss.back() == ' ' || gloss.back() == '\n' || gloss.back() == '\r'))
            gloss.remove_suffix(1);
        s.gloss = QString::fromUtf8(gloss.data(), qsizetype(gloss.size()));
    }

    if (!toNumber(nextToken(rest), &s.offset))
        return std::nullopt;
    nextToken(rest); // lex_filenum
    if (nextToken(rest) != "n")
        return std::nullopt;
    unsigned wordCount = 0;
    if (!toNumber(nextToken(rest), &wordCount, 16) || wordCount == 0)
        return std::nullopt;
    for (unsigned i = 0; i < wordCount; ++i) {
        const std::string_view word = nextToken(rest);
        nextToken(rest); // lex_id
        if (word.empty())
            return std::nullopt;
        QString lemma = QString::fromUtf8(word.data(), qsizetype(word.size()));
        lemma.replace(QLatin1Char('_'), QLatin1Char(' '));
        s.lemmas << lemma;
    }
    unsigned pointerCount = 0;
    if (!toNumber(nextToken(rest), &pointerCount))
        return std::nullopt;
    for (unsigned i = 0; i < pointerCount; ++i) {
        const std::string_view symbol = nextToken(rest);
        const std::string_view target = nextToken(rest);
        const std::string_view pos = nextToken(rest);
        nextToken(rest); // source/target
        quint32 targetOffset = 0;
        if (!toNumber(target, &targetOffset))
            return std::nullopt;
        if ((symbol == "@" || symbol == "@i") && pos == "n")
            s.hypernyms << targetOffset;
    }
    return s;
}

QString WordNet::defaultDataNounPath()
{
    const QByteArray dir = qgetenv("BAGEL_WORDNET_DIR");
    if (!dir.isEmpty())
        return QString::fromLocal8Bit(dir) + QStringLiteral("/data.noun");
    return QStringLiteral("/usr/share/wordnet/data.noun");
}

WordNet::WordNet(QString dataNounPath)
    : m_path(std::move(dataNounPath))
    , m_available(QFileInfo(m_path).isFile())
{
}

std::optional<Synset> WordNet::synset(quint32 offset) const
{
    if (!m_available)
        return std::nullopt;
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly) || !file.seek(qint64(offset)))
        return std::nullopt;
    // Lines are at most a few kilobytes; the longest synsets have hundreds of pointers.
    const QByteArray line = file.readLine(64 * 1024);
    auto parsed = parseSynsetLine(std::string_view(line.constData(), std::size_t(line.size())));
    if (!parsed || parsed->offset != offset)
        return std::nullopt; // the offset does not start a synset line
    return parsed;
}

std::optional<Synset> WordNet::synset(const QString &wnid) const
{
    const QByteArray latin = wnid.toLatin1();
    quint32 offset = 0;
    if (!parseWnid(std::string_view(latin.constData(), std::size_t(latin.size())), &offset))
        return std::nullopt;
    return synset(offset);
}

QVector<Synset> WordNet::allSynsets() const
{
    QVector<Synset> out;
    if (m_available)
        out.reserve(83000);
    forEachSynset([&out](Synset &&s) { out << std::move(s); });
    return out;
}

void WordNet::forEachSynset(const std::function<void(Synset &&)> &visit) const
{
    if (!m_available)
        return;
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly))
        return;
    const QByteArray all = file.readAll();
    qsizetype start = 0;
    while (start < all.size()) {
        qsizetype end = all.indexOf('\n', start);
        if (end < 0)
            end = all.size();
        if (auto s = parseSynsetLine(std::string_view(all.constData() + start, std::size_t(end - start))))
            visit(std::move(*s));
        start = end + 1;
    }
}

QVector<Synset> WordNet::hypernymPath(const QString &wnid) const
{
    QVector<Synset> path;
    std::optional<Synset> current = synset(wnid);
    // WordNet's noun hierarchy is about 20 levels deep; the bound guards against a corrupt file.
    while (current && path.size() < 64) {
        path << *current;
        if (current->hypernyms.isEmpty())
            break;
        current = synset(current->hypernyms.first());
    }
    return path;
}

} // namespace bagel
