#include "jsonwriter.h"

#include "error.h"

#include <QIODevice>

#include <cmath>
#include <cstdio>

namespace bagel {

JsonWriter::JsonWriter(QIODevice &device)
    : m_device(device)
{
    m_buffer.reserve(1 << 16);
}

JsonWriter::~JsonWriter() = default;

std::string JsonWriter::escape(const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    std::string out;
    out.reserve(std::size_t(utf8.size()) + 2);
    out += '"';
    for (const char ch : utf8) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += ch;
            }
        }
    }
    out += '"';
    return out;
}

void JsonWriter::write(std::string_view bytes)
{
    m_buffer.append(bytes);
    if (m_buffer.size() >= (1 << 16))
        flush();
}

void JsonWriter::flush()
{
    if (m_buffer.empty())
        return;
    if (m_device.write(m_buffer.data(), qint64(m_buffer.size())) != qint64(m_buffer.size()))
        throw Error(QStringLiteral("write error: %1").arg(m_device.errorString()));
    m_buffer.clear();
}

void JsonWriter::newline()
{
    write("\n");
    write(std::string(m_levels.size() * 2, ' '));
}

void JsonWriter::beforeValue()
{
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (!m_levels.empty()) {
        if (m_levels.back().count++ > 0)
            write(",");
        newline();
    }
}

void JsonWriter::beginObject()
{
    beforeValue();
    write("{");
    m_levels.push_back(Level{false, 0});
}

void JsonWriter::endObject()
{
    const bool empty = m_levels.back().count == 0;
    m_levels.pop_back();
    if (!empty)
        newline();
    write("}");
    if (m_levels.empty()) {
        write("\n");
        flush();
    }
}

void JsonWriter::beginArray()
{
    beforeValue();
    write("[");
    m_levels.push_back(Level{true, 0});
}

void JsonWriter::endArray()
{
    const bool empty = m_levels.back().count == 0;
    m_levels.pop_back();
    if (!empty)
        newline();
    write("]");
    if (m_levels.empty()) {
        write("\n");
        flush();
    }
}

void JsonWriter::key(const QString &name)
{
    beforeValue();
    write(escape(name));
    write(": ");
    m_afterKey = true;
}

void JsonWriter::value(const QString &text)
{
    beforeValue();
    write(escape(text));
}

void JsonWriter::value(qint64 number)
{
    beforeValue();
    write(std::to_string(number));
}

void JsonWriter::value(double number)
{
    beforeValue();
    if (!std::isfinite(number)) {
        write("null");
        return;
    }
    write(QByteArray::number(number, 'g', 17).toStdString());
}

void JsonWriter::value(bool flag)
{
    beforeValue();
    write(flag ? "true" : "false");
}

void JsonWriter::null()
{
    beforeValue();
    write("null");
}

} // namespace bagel
