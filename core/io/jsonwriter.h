#pragma once

#include <QString>

#include <string>
#include <vector>

class QIODevice;

namespace bagel {

/**
 * Writes JSON to a device as it goes (no document tree), indented two spaces per level, with
 * every string escaped. Used for exports that may hold tens of thousands of entries.
 */
class JsonWriter
{
public:
    explicit JsonWriter(QIODevice &device);
    ~JsonWriter();

    void beginObject();
    void endObject();
    void beginArray();
    void endArray();
    void key(const QString &name);
    void value(const QString &text);
    void value(qint64 number);
    void value(double number);
    void value(bool flag);
    void null();

    /** Writes what is buffered; throws Error when the device refuses it. */
    void flush();

    static std::string escape(const QString &text);

private:
    void beforeValue();
    void newline();
    void write(std::string_view bytes);

    QIODevice &m_device;
    std::string m_buffer;
    struct Level
    {
        bool array;
        int count;
    };
    std::vector<Level> m_levels;
    bool m_afterKey = false;
};

} // namespace bagel
