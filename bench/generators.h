#pragma once

#include <QSize>
#include <QString>

#include "storage/store.h"

namespace bagel::bench {

/** A photo-like JPEG (gradients, shapes, noise) that costs what a photo costs to decode. */
void writePhoto(const QString &path, QSize size, int seed);

/** `ILSVRC2012_val_%08d.JPEG` for row \a i (0-based). */
QString validationName(int i);

/** A labels TSV of \a items validation images with pseudo-random classes. */
void writeLabels(const QString &path, int items);

/** Long-form predictions CSV: top-5 of each of \a models models for \a items images. */
void writePredictionsCsv(const QString &path, int items, int models);

/**
 * A TFDS-shaped multilabel JSON of about \a megabytes MB: \a validation entries named like
 * validation images and the rest like training images, each with correct/wrong/unclear lists,
 * plus problematic images and an ImageNet-M list. Returns the number of entries written.
 */
qint64 writeTfdsJson(const QString &path, int validation, qint64 megabytes);

/**
 * Appends, in one transaction, a verdict of each of \a reviewers reviewers (`reviewer-0`, …)
 * on every item for \a model: correct, wrong (fine-grained, minor) or unclear at random from
 * \a seed, one millisecond apart. What the audit figures read.
 */
void appendReviews(Store &store, ModelId model, int reviewers, unsigned seed);

} // namespace bagel::bench
