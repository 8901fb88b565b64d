import Foundation

/// Checks on local folder paths that turn a raw file-system error into a cause a person can act on.
public enum LocalFolders {
    /// The first path on the way to `url`, `url` included, that exists but is not a folder: `/etc/hostname` for
    /// `/etc/hostname/state`. Nil when every existing part is a folder (links to folders count as folders).
    /// - Parameter url: a folder Fixloop wants to create or use.
    public static func fileInTheWay(to url: URL) -> String? {
        var path = ""
        for component in url.standardizedFileURL.path.split(separator: "/") {
            path += "/" + component
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return nil }
            if !isFolder.boolValue { return path }
        }
        return nil
    }
}
