// placeholder until merge
enum ImageFolderReader { static func read(_ folder: String) throws -> Dataset { throw DataError("\(folder): image folders are not supported yet") } }
