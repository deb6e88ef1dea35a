// One collection per service (plus the limiter's), each mostly waiting on its service's HTTP answers and PostgreSQL:
// xUnit's default of one thread per core ran two at a time on the 2-core machine, so Auth waited for Templates and
// Sequencing for Samples (the test host took about the sum of the collections). All of them at once take about the
// longest one. The tests inside a collection still run one after another (they share its service and database).
[assembly: CollectionBehavior(MaxParallelThreads = 8)]
