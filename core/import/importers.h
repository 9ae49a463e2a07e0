#pragma once

#include <QString>

namespace bagel {

class ImportContext;

// One function per format; each reads one file into the open transaction of ImportContext.
void importTfdsMultilabel(ImportContext &context, const QString &path);
void importReal(ImportContext &context, const QString &path);
void importPaperMistakes(ImportContext &context, const QString &path);
void importPredictions(ImportContext &context, const QString &path);
void importImageFolder(ImportContext &context, const QString &path);
void importLabels(ImportContext &context, const QString &path);
void importReviews(ImportContext &context, const QString &path);

} // namespace bagel
