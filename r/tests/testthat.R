library(testthat)
library(doseescalation)
test_check("doseescalation")
