#include <cblas.h>

/* LAPACK (bundled in OpenBLAS, which ships no LAPACK header here): eigenvalues and vectors of a
   symmetric matrix, column-major, for ZCA whitening (Sources/Data/ZCA.swift). */
void ssyevd_(const char *jobz, const char *uplo, const int *n, float *a, const int *lda, float *w,
             float *work, const int *lwork, int *iwork, const int *liwork, int *info);
