//===- PoolAccountingTest.cpp - the device pool's bookkeeping -------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The CUDA runtime's pool bookkeeping without a GPU: FP8_POOL_LIMIT's
// syntax, the limit, peak and counts, and the out-of-memory and
// FP8_MEMSTATS lines.
//
//===----------------------------------------------------------------------===//

#include "PoolAccounting.h"

#include "gtest/gtest.h"

using mlir::fp8::runtime::cuda::PoolAccounting;

TEST(PoolAccounting, ParsesByteCounts) {
  EXPECT_EQ(PoolAccounting::parseBytes("0"), 0u);
  EXPECT_EQ(PoolAccounting::parseBytes("4096"), 4096u);
  EXPECT_EQ(PoolAccounting::parseBytes("4096B"), 4096u);
  EXPECT_EQ(PoolAccounting::parseBytes("64K"), 64u << 10);
  EXPECT_EQ(PoolAccounting::parseBytes("64M"), 64u << 20);
  EXPECT_EQ(PoolAccounting::parseBytes("3G"), 3ull << 30);
  EXPECT_EQ(PoolAccounting::parseBytes("3GiB"), 3ull << 30);
  EXPECT_EQ(PoolAccounting::parseBytes("2TB"), 2ull << 40);
  EXPECT_EQ(PoolAccounting::parseBytes("1g"), 1ull << 30);
}

TEST(PoolAccounting, RejectsWhatIsNotAByteCount) {
  for (const char *text : {"", "G", "-1", "12X", "1.5G", "1GiBs", "12 M",
                           "99999999999999999999T"})
    EXPECT_FALSE(PoolAccounting::parseBytes(text).has_value()) << text;
  EXPECT_FALSE(PoolAccounting::parseBytes(nullptr).has_value());
}

TEST(PoolAccounting, LimitPeakAndCounts) {
  PoolAccounting pool(1000);
  EXPECT_TRUE(pool.fits(1000));
  EXPECT_FALSE(pool.fits(1001));
  pool.allocated(600);
  EXPECT_TRUE(pool.fits(400));
  EXPECT_FALSE(pool.fits(401));
  pool.allocated(300);
  pool.freed(600);
  pool.allocated(500);
  EXPECT_EQ(pool.inUse, 800u);
  EXPECT_EQ(pool.peak, 900u);
  EXPECT_EQ(pool.allocations, 3u);
  EXPECT_EQ(pool.frees, 1u);
  // No limit: anything fits, however large.
  PoolAccounting unlimited;
  EXPECT_TRUE(unlimited.fits(UINT64_MAX));
  unlimited.allocated(UINT64_MAX - 1);
  EXPECT_TRUE(unlimited.fits(UINT64_MAX));
}

TEST(PoolAccounting, Lines) {
  PoolAccounting pool(64u << 20);
  pool.allocated(48u << 20);
  EXPECT_EQ(pool.outOfMemory(32u << 20, 16u << 20),
            "out of device memory: requested 33554432 bytes, 16777216 bytes "
            "free (50331648 bytes in use by this program, FP8_POOL_LIMIT "
            "reached)");
  PoolAccounting device;
  device.allocated(100);
  EXPECT_EQ(device.outOfMemory(200, 50),
            "out of device memory: requested 200 bytes, 50 bytes free (100 "
            "bytes in use by this program)");
  device.freed(100);
  EXPECT_EQ(device.stats(),
            "fp8-memstats: peak 100 device bytes in use, 1 allocations, 1 "
            "frees, 0 bytes still allocated");
}
